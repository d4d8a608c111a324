# MADV_NOHUGEPAGE on part of a VMA splits it (madvise_update_vma() -> __split_vma()); a huge
# PMD that straddles the new boundary is split first (vma_adjust_trans_huge()). Advising the
# whole range again merges the VMAs back (vma_merge()).
boot 1G
sysfs enabled always
spawn p
mmap p a 8M
touch p a 0 4M write
# Two THPs in [0, 4M). Now mark [1M, 3M) nohugepage: both huge PMDs straddle a boundary.
madvise p a 1M 2M nohugepage
smaps p a
vmstat thp_split_pmd
# Faults in [4M, 8M), which is still eligible, map THPs again.
touch p a 4M 4M write
smaps p a
vmstat thp_fault
# MADV_HUGEPAGE over the whole region: one VMA with VM_HUGEPAGE.
madvise p a 0 8M hugepage
smaps p a
verify p a
check
