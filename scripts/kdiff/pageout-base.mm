# MADV_PAGEOUT of base pages without a swap device: nothing can go, Rss stays.
boot 1G
sysfs enabled never
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 0 2M pageout
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
