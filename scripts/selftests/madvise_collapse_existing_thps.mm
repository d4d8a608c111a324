# Mirrors tools/testing/selftests/mm/khugepaged.c: madvise_collapse_existing_thps, anonymous memory.
# madvise_collapse_existing_thps() (MADV_COLLAPSE context only): collapse a full PTE table,
# then MADV_COLLAPSE the same, now PMD-mapped range again: SCAN_PMD_MAPPED counts as success.
# Expected: ok both times, AnonHugePages 2048 kB. The first call copies 512 pages under the
# mmap write lock; the second takes no lock (stat shows both).
echo selftest tools/testing/selftests/mm/khugepaged.c: madvise_collapse_existing_thps (anon)
include prologue.mm
mmap test m 2M
touch test m 0 2M write
echo MADV_COLLAPSE context: expect ok, collapse
# MADV_COLLAPSE context, __madvise_collapse(): enabled=never stops khugepaged
sysfs enabled never
madvise test m 0 2M hugepage
madvise test m 0 2M collapse
sysfs enabled madvise
smaps test m
stat
touch test m 0 2M read
verify test m
echo Re-collapse PMD-mapped hugepage: expect ok (SCAN_PMD_MAPPED counts as success)
sysfs enabled never
madvise test m 0 2M hugepage
madvise test m 0 2M collapse
sysfs enabled madvise
smaps test m
stat
touch test m 0 2M read
verify test m
munmap test m
check
