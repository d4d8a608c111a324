# Mirrors tools/testing/selftests/mm/khugepaged.c: collapse_full_of_compound, anonymous memory.
# collapse_full_of_compound(): a PTE table whose 512 PTEs map one THP (MADV_NOHUGEPAGE on the
# first page splits the VMA and so the PMD; advising the whole range merges the VMA back).
# Expected: collapse in both contexts; the old THP is freed.
echo selftest tools/testing/selftests/mm/khugepaged.c: collapse_full_of_compound (anon)
include prologue.mm
# alloc_hpage(): a PMD-mapped THP made by MADV_COLLAPSE in a VMA without VM_HUGEPAGE
mmap test k 2M
touch test k 0 2M write
madvise test k 0 2M collapse
smaps test k
madvise test k 0 2M hugepage
madvise test k 0 4K nohugepage
madvise test k 0 2M nohugepage
smaps test k
echo khugepaged context: expect collapse
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
# alloc_hpage(): a PMD-mapped THP made by MADV_COLLAPSE in a VMA without VM_HUGEPAGE
mmap test m 2M
touch test m 0 2M write
madvise test m 0 2M collapse
smaps test m
madvise test m 0 2M hugepage
madvise test m 0 4K nohugepage
madvise test m 0 2M nohugepage
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
munmap test m
vmstat nr_anon
check
