# MADV_COLLAPSE with enabled=never: not allowed for a VMA without VM_HUGEPAGE? (TVA_FORCED_COLLAPSE)
boot 1G
sysfs enabled never
spawn p
mmap p r 2M
mmap p h 2M
madvise p h 0 2M hugepage
touch p r 0 2M
touch p h 0 2M
madvise p r 0 2M collapse
madvise p h 0 2M collapse
smaps p r
smaps p h
verify p r
verify p h
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
