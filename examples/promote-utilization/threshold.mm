# Three 2 MiB ranges used at 100%, 80% and 10%. At the default threshold (90%) only the first is
# collapsed; with deploy/org.example.thp.utilization.cfg holding threshold_percent=75 the first
# two are.
boot 1G
sysfs enabled madvise
spawn app
mmap app dense 2M
mmap app mostly 2M
mmap app sparse 2M
touch app dense 0 2M write
touch app mostly 0 1640K write
touch app sparse 0 208K write
madvise app dense 0 2M hugepage
madvise app mostly 0 2M hugepage
madvise app sparse 0 2M hugepage
policy disable promotion khugepaged
policy enable promotion utilization
tick 200ms
smaps app
vmstat thp_collapse_alloc
check
