# Mirrors tools/testing/selftests/mm/khugepaged.c: collapse_max_ptes_shared, anonymous memory.
# collapse_max_ptes_shared(): max_ptes_shared = 256. The child writes 255 pages of the parent's
# THP (the first write splits its PMD, each write copies one page). Part 1: 257 shared PTEs:
# khugepaged stops at the 257th (SCAN_EXCEED_SHARED_PTE); MADV_COLLAPSE collapses. Part 2
# (khugepaged only): one more page written, 256 shared: collapse. The parent keeps its THP.
echo selftest tools/testing/selftests/mm/khugepaged.c: collapse_max_ptes_shared (anon)
include prologue.mm
# alloc_hpage(): a PMD-mapped THP made by MADV_COLLAPSE in a VMA without VM_HUGEPAGE
mmap test k 2M
touch test k 0 2M write
madvise test k 0 2M collapse
smaps test k
madvise test k 0 2M hugepage
fork test child
smaps child k
touch child k 0 1020K write
smaps child k
echo khugepaged context: expect no collapse (SCAN_EXCEED_SHARED_PTE)
# khugepaged context, wait_for_scan(): MADV_HUGEPAGE, then let khugepaged run (20 ms: two
# wake-ups at scan_sleep_millisecs 10, fewer when a collapse delays the next one)
madvise child k 0 2M hugepage
sysfs khugepaged/full_scans
tick 20ms
sysfs khugepaged/full_scans
smaps child k
madvise child k 0 2M nohugepage
vmstat thp_scan_exceed_share_pte
# part 2
touch child k 0 1M write
smaps child k
echo khugepaged context: expect collapse
# khugepaged context, wait_for_scan(): MADV_HUGEPAGE, then let khugepaged run (20 ms: two
# wake-ups at scan_sleep_millisecs 10, fewer when a collapse delays the next one)
madvise child k 0 2M hugepage
sysfs khugepaged/full_scans
tick 20ms
sysfs khugepaged/full_scans
smaps child k
madvise child k 0 2M nohugepage
touch child k 0 2M read
verify child k
exit child
smaps test k
touch test k 0 2M read
verify test k
munmap test k
# alloc_hpage(): a PMD-mapped THP made by MADV_COLLAPSE in a VMA without VM_HUGEPAGE
mmap test m 2M
touch test m 0 2M write
madvise test m 0 2M collapse
smaps test m
madvise test m 0 2M hugepage
fork test child
smaps child m
touch child m 0 1020K write
smaps child m
echo MADV_COLLAPSE context: expect ok, collapse (max_ptes_shared ignored)
# MADV_COLLAPSE context, __madvise_collapse(): enabled=never stops khugepaged
sysfs enabled never
madvise child m 0 2M hugepage
madvise child m 0 2M collapse
sysfs enabled madvise
smaps child m
touch child m 0 2M read
verify child m
exit child
smaps test m
touch test m 0 2M read
verify test m
munmap test m
check
