# Two MADV_COLLAPSE of the same range: the second finds the PMD mapped (SCAN_PMD_MAPPED).
boot 1G
sysfs enabled madvise
spawn p
mmap p r 4M
touch p r 0 4M
madvise p r 0 4M collapse
madvise p r 0 4M collapse
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
