# MADV_COLLAPSE where the PTE table exists but every PTE is none (after MADV_DONTNEED).
boot 1G
sysfs enabled never
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 0 2M dontneed
sysfs enabled madvise
madvise p r 0 2M collapse
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
