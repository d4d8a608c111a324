# MADV_COLLAPSE of a 3 MiB region: only the whole first PMD can collapse.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 3M
touch p r 0 3M
madvise p r 0 3M collapse
madvise p r 2M 1M collapse
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
