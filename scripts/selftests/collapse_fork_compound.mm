# Mirrors tools/testing/selftests/mm/khugepaged.c: collapse_fork_compound, anonymous memory.
# collapse_fork_compound(): the child splits its copy of the parent's THP mapping (VMA split
# and merge), writes page 0 (CoW), and collapses with max_ptes_shared = 511: 511 PTEs map pages
# the parent still maps by its PMD. Expected: collapse in the child in both contexts; the
# parent keeps its THP.
echo selftest tools/testing/selftests/mm/khugepaged.c: collapse_fork_compound (anon)
include prologue.mm
# alloc_hpage(): a PMD-mapped THP made by MADV_COLLAPSE in a VMA without VM_HUGEPAGE
mmap test k 2M
touch test k 0 2M write
madvise test k 0 2M collapse
smaps test k
madvise test k 0 2M hugepage
fork test child
smaps child k
madvise child k 0 4K nohugepage
madvise child k 0 2M nohugepage
smaps child k
touch child k 0 4K write
sysfs khugepaged/max_ptes_shared 511
echo khugepaged context: expect collapse in the child
# khugepaged context, wait_for_scan(): MADV_HUGEPAGE, then let khugepaged run (20 ms: two
# wake-ups at scan_sleep_millisecs 10, fewer when a collapse delays the next one)
madvise child k 0 2M hugepage
sysfs khugepaged/full_scans
tick 20ms
sysfs khugepaged/full_scans
smaps child k
madvise child k 0 2M nohugepage
sysfs khugepaged/max_ptes_shared 256
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
madvise child m 0 4K nohugepage
madvise child m 0 2M nohugepage
smaps child m
touch child m 0 4K write
sysfs khugepaged/max_ptes_shared 511
echo MADV_COLLAPSE context: expect ok, collapse in the child
# MADV_COLLAPSE context, __madvise_collapse(): enabled=never stops khugepaged
sysfs enabled never
madvise child m 0 2M hugepage
madvise child m 0 2M collapse
sysfs enabled madvise
smaps child m
sysfs khugepaged/max_ptes_shared 256
touch child m 0 2M read
verify child m
exit child
smaps test m
touch test m 0 2M read
verify test m
munmap test m
check
