# Zero-page PTEs beyond max_ptes_none: SCAN_EXCEED_NONE_PTE.
boot 1G
sysfs enabled never
spawn p
mmap p r 2M
touch p r 0 2M read
touch p r 0 8K write
sysfs enabled madvise
madvise p r 0 2M hugepage
sysfs khugepaged/max_ptes_none 100
tick
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
