# Mirrors tools/testing/selftests/mm/khugepaged.c: collapse_fork, anonymous memory.
# collapse_fork(): the child of a process with one page writes a second page, then collapses.
# PTE 0 is shared with the parent (read-only, old after fork), PTE 1 is the child's (writable,
# young). Expected: collapse in the child in both contexts; the parent keeps its base page.
echo selftest tools/testing/selftests/mm/khugepaged.c: collapse_fork (anon)
include prologue.mm
mmap test k 2M
touch test k 0 4K write
fork test child
touch child k 4K 4K write
echo khugepaged context: expect collapse in the child
# khugepaged context, wait_for_scan(): MADV_HUGEPAGE, then let khugepaged run (20 ms: two
# wake-ups at scan_sleep_millisecs 10, fewer when a collapse delays the next one)
madvise child k 0 2M hugepage
sysfs khugepaged/full_scans
tick 20ms
sysfs khugepaged/full_scans
smaps child k
madvise child k 0 2M nohugepage
touch child k 0 4K read
verify child k
exit child
smaps test k
touch test k 0 4K read
verify test k
munmap test k
mmap test m 2M
touch test m 0 4K write
fork test child
touch child m 4K 4K write
echo MADV_COLLAPSE context: expect ok, collapse in the child
# MADV_COLLAPSE context, __madvise_collapse(): enabled=never stops khugepaged
sysfs enabled never
madvise child m 0 2M hugepage
madvise child m 0 2M collapse
sysfs enabled madvise
smaps child m
touch child m 0 4K read
verify child m
exit child
smaps test m
touch test m 0 4K read
verify test m
munmap test m
check
