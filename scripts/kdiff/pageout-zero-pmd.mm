# MADV_PAGEOUT of the huge zero page: nothing to reclaim.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M read
madvise p r 0 2M pageout
smaps p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
