# Promotion through migration entries (Zi Yan's idea in the reservation RFC's review), with the
# promote-migration-entry promoter: the PTEs become migration entries, the huge page is built
# while they stand, and only the PMD install takes the mmap lock for write. Compare its lock hold
# with khugepaged's copy collapse, which holds the lock through the whole 2 MiB copy.
boot 1G
sysfs enabled always
sysfs khugepaged/scan_sleep_millisecs 10
policy use fault base
echo khugepaged's copy collapse: the lock is held through the copy
spawn k
mmap k a 2M
touch k a 0 2M write
tick 10ms
smaps k a
stat
echo migration entries, by copy (no reservation): the lock is held for the install only
policy disable promotion khugepaged
policy enable promotion migration-entry
spawn p
mmap p a 2M
touch p a 0 2M write
tick 10ms
touch p a 0 4K write
smaps p a
stat
verify p a
check
echo migration entries, in place on a reservation: no copy, no allocation
policy use fault reservation
policy disable promotion reservation
mmap p r 2M
touch p r 0 1M write
vmstat nr_thp_reserved
tick 20ms
smaps p r
vmstat nr_thp_reserved
vmstat thp_collapse_alloc
sysfs khugepaged/res_pages_collapsed
stat
verify p r
check
