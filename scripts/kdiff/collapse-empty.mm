# MADV_COLLAPSE of a range with nothing mapped (no page table: SCAN_PMD_NULL).
boot 1G
sysfs enabled madvise
spawn p
mmap p r 4M
madvise p r 0 4M collapse
smaps p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
