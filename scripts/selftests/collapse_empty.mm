# Mirrors tools/testing/selftests/mm/khugepaged.c: collapse_empty, anonymous memory.
# collapse_empty(): an untouched mapping has no anon_vma, so it is not eligible
# (__thp_vma_allowable_orders(): !vma->anon_vma outside a fault). Expected: khugepaged skips
# it (AnonHugePages 0); MADV_COLLAPSE fails with EINVAL before any scan.
echo selftest tools/testing/selftests/mm/khugepaged.c: collapse_empty (anon)
include prologue.mm
mmap test k 2M
echo khugepaged context: expect no collapse (the VMA has no anon_vma)
# khugepaged context, wait_for_scan(): MADV_HUGEPAGE, then let khugepaged run (20 ms: two
# wake-ups at scan_sleep_millisecs 10, fewer when a collapse delays the next one)
madvise test k 0 2M hugepage
sysfs khugepaged/full_scans
tick 20ms
sysfs khugepaged/full_scans
smaps test k
madvise test k 0 2M nohugepage
munmap test k
mmap test m 2M
echo MADV_COLLAPSE context: expect EINVAL, AnonHugePages 0 kB
# MADV_COLLAPSE context, __madvise_collapse(): enabled=never stops khugepaged
sysfs enabled never
madvise test m 0 2M hugepage
madvise test m 0 2M collapse
sysfs enabled madvise
smaps test m
munmap test m
check
