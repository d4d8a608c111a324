# fork with a reservation: it stays with the parent (Mel Gorman's suggestion). The child's CoW
# faults allocate base pages; the parent's CoW fault copies a base page and keeps the
# reservation; faults of the parent in the range still map from it, and once the child is gone
# and a page is written the parent's reservation can be promoted in place.
boot 1G
sysfs enabled always
policy use fault reservation
policy disable promotion khugepaged
sysfs khugepaged/scan_sleep_millisecs 10
spawn parent
mmap parent a 2M
touch parent a 0 8K write
vmstat nr_thp_reserved
fork parent child
echo the child writes a shared page: a 4 KiB copy, the reservation stays with the parent
touch child a 0 4K write
vmstat nr_thp_reserved
echo the child faults a page the reservation holds: a base page of its own
touch child a 16K 4K write
vmstat nr_thp_reserved
echo the parent writes its shared page: a 4 KiB copy, the reservation is kept
touch parent a 4K 4K write
vmstat nr_thp_reserved
vmstat thp_res_alloc
echo the parent faults more pages from its reservation
touch parent a 32K 1020K write
vmstat nr_thp_reserved
tick 20ms
echo not promoted: page 1 of the range is a CoW copy, not the reservation's own page
smaps parent a
verify parent a
verify child a
check
echo "after the child exits the copy still blocks promotion in place; khugepaged's copy collapse does it"
exit child
tick 20ms
smaps parent a
policy enable promotion khugepaged
tick 20ms
smaps parent a
vmstat nr_thp_reserved
vmstat thp_collapse_alloc
verify parent a
check
