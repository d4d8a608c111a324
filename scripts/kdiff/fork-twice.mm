# Two generations of fork over THPs; each write splits only the writer's PMD.
boot 1G
sysfs enabled always
spawn p
mmap p r 4M
touch p r 0 4M
fork p c
fork c g
touch g r 0 4K
touch c r 2M 4K
smaps p r
smaps c r
smaps g r
verify p r
verify c r
verify g r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
