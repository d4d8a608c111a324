# khugepaged with max_ptes_none=256 (hpage_collapse_scan_pmd()): a PMD with 300 pages present
# collapses when its 212 none PTEs are at most max_ptes_none, else SCAN_EXCEED_NONE_PTE.
boot 1G
sysfs enabled madvise
sysfs khugepaged/max_ptes_none 256
spawn p
mmap p r 4M
touch p r 0 1200K
touch p r 2M 2M
madvise p r 0 4M hugepage
tick
smaps p r
sysfs khugepaged/pages_collapsed
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
