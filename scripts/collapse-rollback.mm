# A collapse that fails midway rolls back: the PTEs and pages are as before, nothing is lost,
# and the failure is counted and traced (collapse_huge_page() and its error paths).
echo 1. a poisoned source page: __collapse_huge_page_copy() fails with SCAN_COPY_MC
boot 64M
sysfs enabled madvise
spawn p
mmap p a 2M
touch p a 0 2M write
poison p a 8K
trace on
madvise p a 0 2M collapse
trace dump
smaps p a
vmstat thp_collapse
verify p a
check
echo 2. no huge page to be had: SCAN_ALLOC_HUGE_PAGE_FAIL (MADV_COLLAPSE: ENOMEM)
mmap p c 2M
touch p c 0 2M write
spawn hog
sysctl vm.overcommit_memory 1   # 64M is more than RAM: OVERCOMMIT_GUESS would refuse the map
mmap hog b 64M
sysfs enabled never
# 14561 base pages take free memory down to the min watermark: one page more and the hog's
# fault would invoke the OOM killer (which would kill the hog and free it all again).
touch hog b 0 58244K write
meminfo
madvise p c 0 2M collapse
trace dump
vmstat thp_collapse
smaps p c
verify p c
check
echo 3. khugepaged: after a failed allocation it sleeps alloc_sleep_millisecs, tries once more, then waits a full scan_sleep
sysfs enabled madvise
sysfs khugepaged/scan_sleep_millisecs 100
sysfs khugepaged/alloc_sleep_millisecs 30
madvise p c 0 2M hugepage
trace on
tick 250ms
trace dump
vmstat thp_collapse
sysfs khugepaged/pages_collapsed
echo "4. the memory comes back: the next pass collapses; region a, poisoned, still cannot be"
trace off
exit hog
tick 200ms
smaps p c
sysfs khugepaged/pages_collapsed
verify p c
madvise p a 0 2M collapse
verify p a
smaps p a
check
