# MADV_HUGEPAGE after base-page faults changes nothing until a collapse.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 0 2M hugepage
smaps p r
touch p r 0 2M
smaps p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
