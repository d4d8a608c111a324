# MADV_COLLAPSE over a hole (madvise_walk_vmas()): what is mapped collapses, then ENOMEM.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 6M
touch p r 0 6M
munmap p r 2M 2M
madvise p r 0 6M collapse
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
