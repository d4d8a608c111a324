# MADV_COLLAPSE of a PMD mapping the huge zero page: SCAN_PMD_MAPPED, success without allocation.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M read
madvise p r 0 2M collapse
smaps p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
