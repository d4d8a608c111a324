# After MADV_DONTNEED of a whole THP, the next fault maps a new THP.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 0 2M dontneed
touch p r 0 4K
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
