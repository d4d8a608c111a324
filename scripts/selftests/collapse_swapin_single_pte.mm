# Mirrors tools/testing/selftests/mm/khugepaged.c: collapse_swapin_single_pte, anonymous memory.
# collapse_swapin_single_pte(): one PTE swapped out (MADV_PAGEOUT), 511 present and young.
# Expected: collapse in both contexts after __collapse_huge_page_swapin() reads it back
# (khugepaged: 1 <= max_ptes_swap and 511 >= 256 young PTEs).
echo selftest tools/testing/selftests/mm/khugepaged.c: collapse_swapin_single_pte (anon)
include prologue.mm
mmap test k 2M
touch test k 0 2M write
madvise test k 0 4K pageout
smaps test k
echo khugepaged context: expect collapse after swapping in 1 page
# khugepaged context, wait_for_scan(): MADV_HUGEPAGE, then let khugepaged run (20 ms: two
# wake-ups at scan_sleep_millisecs 10, fewer when a collapse delays the next one)
madvise test k 0 2M hugepage
sysfs khugepaged/full_scans
tick 20ms
sysfs khugepaged/full_scans
smaps test k
madvise test k 0 2M nohugepage
touch test k 0 2M read
verify test k
munmap test k
mmap test m 2M
touch test m 0 2M write
madvise test m 0 4K pageout
smaps test m
echo MADV_COLLAPSE context: expect ok, collapse
# MADV_COLLAPSE context, __madvise_collapse(): enabled=never stops khugepaged
sysfs enabled never
madvise test m 0 2M hugepage
madvise test m 0 2M collapse
sysfs enabled madvise
smaps test m
touch test m 0 2M read
verify test m
vmstat pswpin
munmap test m
check
