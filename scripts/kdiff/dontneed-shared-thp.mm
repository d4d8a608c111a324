# MADV_DONTNEED of half a THP in a child: the parent keeps its PMD.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M
fork p c
madvise c r 0 1M dontneed
smaps p r
smaps c r
verify p r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
