# Mirrors tools/testing/selftests/mm/khugepaged.c: collapse_max_ptes_swap, anonymous memory.
# collapse_max_ptes_swap(): max_ptes_swap = 64. Part 1: 65 PTEs swapped out: khugepaged stops
# at the 65th (SCAN_EXCEED_SWAP_PTE); MADV_COLLAPSE swaps all 65 in and collapses. Part 2
# (khugepaged only): 64 swapped out, 448 young: collapse after swapping 64 in.
echo selftest tools/testing/selftests/mm/khugepaged.c: collapse_max_ptes_swap (anon)
include prologue.mm
mmap test k 2M
touch test k 0 2M write
madvise test k 0 260K pageout
smaps test k
echo khugepaged context: expect no collapse (SCAN_EXCEED_SWAP_PTE)
# khugepaged context, wait_for_scan(): MADV_HUGEPAGE, then let khugepaged run (20 ms: two
# wake-ups at scan_sleep_millisecs 10, fewer when a collapse delays the next one)
madvise test k 0 2M hugepage
sysfs khugepaged/full_scans
tick 20ms
sysfs khugepaged/full_scans
smaps test k
madvise test k 0 2M nohugepage
vmstat thp_scan_exceed_swap_pte
touch test k 0 2M read
verify test k
# part 2
touch test k 0 2M write
madvise test k 0 256K pageout
smaps test k
echo khugepaged context: expect collapse after swapping in 64 pages
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
madvise test m 0 260K pageout
smaps test m
echo MADV_COLLAPSE context: expect ok, collapse after swapping in 65 pages
# MADV_COLLAPSE context, __madvise_collapse(): enabled=never stops khugepaged
sysfs enabled never
madvise test m 0 2M hugepage
madvise test m 0 2M collapse
sysfs enabled madvise
smaps test m
touch test m 0 2M read
verify test m
munmap test m
check
