# Mirrors tools/testing/selftests/mm/khugepaged.c: madvise_collapse_existing_thps, anonymous memory.
# madvise_collapse_existing_thps() (MADV_COLLAPSE context only): collapse a full PTE table,
# then MADV_COLLAPSE the same, now PMD-mapped range again: SCAN_PMD_MAPPED counts as success.
# Expected: ok both times, AnonHugePages 2048 kB. The first call copies 512 pages under the
# mmap write lock; the second takes no lock (stat shows both).
echo selftest tools/testing/selftests/mm/khugepaged.c: madvise_collapse_existing_thps (anon)
boot 1G swap=256M
# default_settings of the selftest's main()
sysfs enabled madvise
sysfs defrag always
sysfs use_zero_page 0
sysfs khugepaged/defrag 1
sysfs khugepaged/scan_sleep_millisecs 10
sysfs khugepaged/alloc_sleep_millisecs 10
sysfs khugepaged/max_ptes_none 511
sysfs khugepaged/max_ptes_swap 64
sysfs khugepaged/max_ptes_shared 256
sysfs khugepaged/pages_to_scan 4096
spawn test
# alloc_at_fault() runs first in the selftest: its THP fault registers the process with
# khugepaged (do_huge_pmd_anonymous_page() -> khugepaged_enter_vma()) for every later case.
sysfs enabled always
mmap test f 2M
touch test f 0 4K write
munmap test f
sysfs enabled madvise
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
