# CoW of a THP written by the parent after fork: the parent's PMD is split, 4 KiB copied.
boot 1G
sysfs enabled always
spawn p
mmap p r 4M
touch p r 0 4M
fork p c
touch p r 2M 4K
smaps p r
smaps c r
verify p r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
