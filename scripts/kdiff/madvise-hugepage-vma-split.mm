# MADV_NOHUGEPAGE on the middle of a region splits the VMA (madvise_update_vma()); smaps sums all three.
boot 1G
sysfs enabled always
spawn p
mmap p r 6M
madvise p r 2M 2M nohugepage
touch p r 0 6M
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
