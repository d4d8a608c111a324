# MADV_DONTNEED of base pages: zapped, a later write faults a new page (enabled=never).
boot 1G
sysfs enabled never
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 1M 1M dontneed
smaps p r
touch p r 1M 4K
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
