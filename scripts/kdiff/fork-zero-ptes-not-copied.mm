# fork does not copy the page tables of a VMA without an anon_vma (copy_page_range() ->
# vma_needs_copy()): read faults that mapped only the 4 KiB zero page (do_anonymous_page() takes no
# anon_vma for them) leave the child's PMD none. khugepaged then finds no zero-page table to
# count against max_ptes_none in the child (no thp_scan_exceed_none_pte), and neither in the
# parent, whose VMA has no anon_vma (__thp_vma_allowable_orders()); MADV_COLLAPSE there is EINVAL.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 4M
touch p r 2M 2M read
madvise p r 0 4M hugepage
madvise p r 2M 2M collapse
fork p c
touch c r 0 4K write
tick
smaps p r
smaps c r
verify p r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
