# Mirrors tools/testing/selftests/mm/khugepaged.c: alloc_at_fault, anonymous memory.
# alloc_at_fault(): enabled=always maps a THP at the first write fault
# (do_huge_pmd_anonymous_page()); MADV_DONTNEED of one page splits the PMD: AnonHugePages 0.
# Expected: AnonHugePages 2048 kB, then 0; thp_fault_alloc 1, thp_split_pmd 1.
echo selftest tools/testing/selftests/mm/khugepaged.c: alloc_at_fault (anon)
include default-settings.mm
sysfs enabled always
mmap test a 2M
touch test a 0 4K write
smaps test a
sysfs enabled madvise
madvise test a 0 4K dontneed
smaps test a
vmstat thp_fault_alloc
vmstat thp_split_pmd
verify test a
munmap test a
check
