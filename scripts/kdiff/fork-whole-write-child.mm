# The child rewrites a whole THP: 512 copies of 4 KiB, the child's PMD split once.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M
fork p c
touch c r 0 2M
smaps p r
smaps c r
verify p r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
