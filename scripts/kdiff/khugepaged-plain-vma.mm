# khugepaged with enabled=madvise leaves a VMA without VM_HUGEPAGE alone.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 4M
mmap p h 4M
touch p r 0 4M
touch p h 0 4M
madvise p h 0 4M hugepage
tick
smaps p r
smaps p h
verify p h
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
