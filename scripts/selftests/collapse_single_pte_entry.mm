# Mirrors tools/testing/selftests/mm/khugepaged.c: collapse_single_pte_entry, anonymous memory.
# collapse_single_pte_entry(): one present PTE, 511 empty (511 <= max_ptes_none 511).
# Expected: collapse in both contexts, the other 511 pages zero-filled.
echo selftest tools/testing/selftests/mm/khugepaged.c: collapse_single_pte_entry (anon)
include prologue.mm
mmap test k 2M
touch test k 0 4K write
echo khugepaged context: expect collapse
# khugepaged context, wait_for_scan(): MADV_HUGEPAGE, then let khugepaged run (20 ms: two
# wake-ups at scan_sleep_millisecs 10, fewer when a collapse delays the next one)
madvise test k 0 2M hugepage
sysfs khugepaged/full_scans
tick 20ms
sysfs khugepaged/full_scans
smaps test k
madvise test k 0 2M nohugepage
verify test k
munmap test k
mmap test m 2M
touch test m 0 4K write
echo MADV_COLLAPSE context: expect ok, collapse
# MADV_COLLAPSE context, __madvise_collapse(): enabled=never stops khugepaged
sysfs enabled never
madvise test m 0 2M hugepage
madvise test m 0 2M collapse
sysfs enabled madvise
smaps test m
verify test m
munmap test m
check
