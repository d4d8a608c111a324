# Mirrors tools/testing/selftests/mm/khugepaged.c: collapse_max_ptes_none, anonymous memory.
# collapse_max_ptes_none(): max_ptes_none = 256. Part 1: 255 present, 257 empty PTEs:
# khugepaged stops at the 257th (SCAN_EXCEED_NONE_PTE, thp_scan_exceed_none_pte once per pass);
# MADV_COLLAPSE ignores the limit and collapses. Part 2 (khugepaged only): 256 present, 256
# empty: collapse.
echo selftest tools/testing/selftests/mm/khugepaged.c: collapse_max_ptes_none (anon)
include prologue.mm
sysfs khugepaged/max_ptes_none 256
mmap test k 2M
touch test k 0 1020K write
echo khugepaged context: expect no collapse (SCAN_EXCEED_NONE_PTE)
# khugepaged context, wait_for_scan(): MADV_HUGEPAGE, then let khugepaged run (20 ms: two
# wake-ups at scan_sleep_millisecs 10, fewer when a collapse delays the next one)
madvise test k 0 2M hugepage
sysfs khugepaged/full_scans
tick 20ms
sysfs khugepaged/full_scans
smaps test k
madvise test k 0 2M nohugepage
vmstat thp_scan_exceed_none_pte
touch test k 0 1020K read
verify test k
# part 2
touch test k 0 1M write
echo khugepaged context: expect collapse
# khugepaged context, wait_for_scan(): MADV_HUGEPAGE, then let khugepaged run (20 ms: two
# wake-ups at scan_sleep_millisecs 10, fewer when a collapse delays the next one)
madvise test k 0 2M hugepage
sysfs khugepaged/full_scans
tick 20ms
sysfs khugepaged/full_scans
smaps test k
madvise test k 0 2M nohugepage
touch test k 0 1M read
verify test k
munmap test k
mmap test m 2M
touch test m 0 1020K write
echo MADV_COLLAPSE context: expect ok, collapse (max_ptes_none ignored)
# MADV_COLLAPSE context, __madvise_collapse(): enabled=never stops khugepaged
sysfs enabled never
madvise test m 0 2M hugepage
madvise test m 0 2M collapse
sysfs enabled madvise
smaps test m
touch test m 0 1020K read
verify test m
munmap test m
sysfs khugepaged/max_ptes_none 511
check
