# MADV_COLLAPSE of a PMD that already maps a THP: SCAN_PMD_MAPPED counts as done, no allocation.
boot 1G
sysfs enabled always
spawn p
mmap p r 4M
touch p r 0 4M
madvise p r 0 4M collapse
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
