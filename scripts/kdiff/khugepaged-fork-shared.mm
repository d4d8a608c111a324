# khugepaged after fork (hpage_collapse_scan_pmd(), v6.18): with max_ptes_shared=256 and a child
# that rewrote the other 256 pages, each mm collapses on its own (thp_collapse_alloc +2). Fork
# makes the child's PTEs old, so the child needs referenced pages of its own first.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 0 2M hugepage
fork p c
touch c r 1M 1M
touch p r 0 1M
tick
smaps p r
smaps c r
vmstat thp_collapse_alloc
vmstat thp_scan_exceed
verify p r
verify c r
check
