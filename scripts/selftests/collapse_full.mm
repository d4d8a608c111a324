# Mirrors tools/testing/selftests/mm/khugepaged.c: collapse_full, anonymous memory.
# collapse_full(): four fully populated PTE tables collapse, in both contexts.
# Expected: AnonHugePages 8192 kB both times; khugepaged counts pages_collapsed 4;
# MADV_COLLAPSE returns ok; thp_collapse_alloc 8 in all.
echo selftest tools/testing/selftests/mm/khugepaged.c: collapse_full (anon)
include prologue.mm
mmap test k 8M
touch test k 0 8M write
echo khugepaged context: expect collapse (AnonHugePages 8192 kB)
# khugepaged context, wait_for_scan(): MADV_HUGEPAGE, then let khugepaged run (20 ms: two
# wake-ups at scan_sleep_millisecs 10, fewer when a collapse delays the next one)
madvise test k 0 8M hugepage
sysfs khugepaged/full_scans
tick 20ms
sysfs khugepaged/full_scans
smaps test k
madvise test k 0 8M nohugepage
touch test k 0 8M read
verify test k
sysfs khugepaged/pages_collapsed
munmap test k
mmap test m 8M
touch test m 0 8M write
echo MADV_COLLAPSE context: expect ok, AnonHugePages 8192 kB
# MADV_COLLAPSE context, __madvise_collapse(): enabled=never stops khugepaged
sysfs enabled never
madvise test m 0 8M hugepage
madvise test m 0 8M collapse
sysfs enabled madvise
smaps test m
touch test m 0 8M read
verify test m
vmstat thp_collapse_alloc
sysfs khugepaged/pages_collapsed
munmap test m
check
