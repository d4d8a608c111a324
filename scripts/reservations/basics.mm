# THP reservations (Anthony Yznaga's RFC, November 2018) with fault-reservation and
# promote-reservation: reserve an aligned 2 MiB block at the first write fault of a range, map
# later faults from it, promote it in place once promotion_threshold pages are mapped.
echo reservation on the first fault: thp_res_alloc 1, nr_thp_reserved 511
boot 1G
sysfs enabled always
policy use fault reservation
policy disable promotion khugepaged
sysfs promotion_threshold
spawn p
mmap p a 4M
touch p a 0 4K write
vmstat thp_res
vmstat nr_thp_reserved
smaps p a
meminfo
echo faults in the range map from the reservation: no new reservation, nr_thp_reserved falls
touch p a 4K 1020K write
vmstat thp_res
vmstat nr_thp_reserved
smaps p a
echo 256 pages mapped, promotion_threshold: khugepaged's next scan promotes in place, no copy
sysfs khugepaged/scan_sleep_millisecs 10
stat
tick 10ms
stat
vmstat nr_thp_reserved
vmstat thp_collapse_alloc
sysfs khugepaged/res_pages_collapsed
sysfs khugepaged/pages_collapsed
smaps p a
verify p a
check
echo promotion_threshold 1: a huge page at the first fault, as plain THP
sysfs promotion_threshold 1
touch p a 2M 4K write
vmstat thp_fault_alloc
vmstat thp_res_alloc
smaps p a
verify p a
check
echo "read faults map the zero page and do not reserve; the first write does"
sysfs promotion_threshold 256
mmap p r 2M
touch p r 0 8K read
vmstat thp_res_alloc
touch p r 4K 4K write
vmstat thp_res_alloc
vmstat nr_thp_reserved
verify p r
check
