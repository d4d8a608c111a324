# A first look at thplab: a 4 GiB machine with 1 GiB of swap, Linux's default THP policies.
boot 4G swap=1G seed=1
sysfs enabled
sysfs defrag
spawn app
mmap app heap 64M
# enabled=always: the first write to each 2 MiB range maps a THP.
touch app heap 0 64M write
smaps app heap
vmstat thp_fault
# fork, then the child writes one page of a shared THP: since Linux 5.8 the PMD is split and
# one 4 KiB page is copied (cow-pte).
fork app child
touch child heap 0 4K write
smaps child heap
vmstat thp_split
# Give half of the heap back.
madvise app heap 1M 2M dontneed
smaps app heap
vmstat thp_deferred
verify app heap
verify child heap
check
meminfo
