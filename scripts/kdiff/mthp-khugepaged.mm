# khugepaged over 64 kB folios: with enabled=madvise, a region written before MADV_HUGEPAGE is
# made of mTHPs (hugepages-64kB/enabled=always); once it is VM_HUGEPAGE, khugepaged collapses
# each fully written 2 MiB into a THP at the next scans (max_ptes_none counts the unwritten
# pages of the second one, which stays).
boot 1G
sysfs enabled madvise
sysfs hugepages-64kB/enabled always
sysfs khugepaged/max_ptes_none 0
policy use fault mthp
spawn p
mmap p r 4M
touch p r 0 2M write
touch p r 2M 1M write
madvise p r 0 4M hugepage
tick
smaps p r
sysfs hugepages-64kB/stats/nr_anon
vmstat thp_collapse_alloc
vmstat thp_scan_exceed_none_pte
verify p r
check
