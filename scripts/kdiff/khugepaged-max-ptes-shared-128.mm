# khugepaged with max_ptes_shared=128 after fork: pages shared with the child count against it
# (folio_maybe_mapped_shared()), SCAN_EXCEED_SHARED_PTE beyond it.
boot 1G
sysfs enabled madvise
sysfs khugepaged/max_ptes_shared 128
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 0 2M hugepage
fork p c
touch p r 0 1792K
tick
smaps p r
smaps c r
verify p r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
