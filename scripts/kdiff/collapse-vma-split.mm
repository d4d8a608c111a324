# MADV_COLLAPSE across VMAs: a NOHUGEPAGE VMA in the range fails with EINVAL, which wins over the rest.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 6M
touch p r 0 6M
madvise p r 2M 2M nohugepage
madvise p r 0 6M collapse
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
