# MADV_COLLAPSE in the child of a range shared with its parent: collapses in the child only.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 2M
touch p r 0 2M
fork p c
madvise c r 0 2M collapse
smaps p r
smaps c r
verify p r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
