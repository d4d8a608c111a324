# khugepaged counts zero-page PTEs as none (is_zero_pfn() in hpage_collapse_scan_pmd()).
boot 1G
sysfs enabled never
spawn p
mmap p r 2M
touch p r 0 2M read
touch p r 0 8K write
sysfs enabled madvise
madvise p r 0 2M hugepage
sysfs khugepaged/max_ptes_none 511
tick
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
