# MADV_COLLAPSE of a VM_NOHUGEPAGE VMA: thp_vma_allowable_order() refuses, EINVAL.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
madvise p r 0 2M nohugepage
touch p r 0 2M
madvise p r 0 2M collapse
smaps p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
