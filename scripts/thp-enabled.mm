# The enabled knob at fault time (thp_vma_allowable_order() in __handle_mm_fault()).
# Expected from the kernel: a THP at the first write fault of an empty, suitable PMD range when
# enabled=always, or enabled=madvise and the VMA has VM_HUGEPAGE; never when enabled=never, not
# even with MADV_HUGEPAGE. Compare tools/testing/selftests/mm/khugepaged.c alloc_at_fault.
boot 1G
sysfs enabled madvise
sysfs enabled
spawn p
mmap p plain 4M
mmap p advised 4M
madvise p advised 0 4M hugepage
touch p plain 0 4M write
touch p advised 0 4M write
# plain: base pages only; advised: two THPs.
smaps p
vmstat thp_fault
sysfs enabled always
mmap p always 4M
touch p always 0 4M write
smaps p always
vmstat thp_fault
sysfs enabled never
mmap p never 4M
madvise p never 0 4M hugepage
touch p never 0 4M write
# never wins over MADV_HUGEPAGE: no THP, THPeligible 0.
smaps p never
vmstat thp_fault
# 1024 base-page faults (plain), 2 + 2 THP faults, 1024 base-page faults (never).
vmstat pgfault
verify p plain
verify p advised
verify p always
verify p never
check
