# Fault-time THP with defrag=never and free memory: vma_thp_gfp_mask() picks how hard the allocation
# tries; with plenty of free order-9 blocks every value gets its THP at the first fault.
boot 1G
sysfs enabled always
sysfs defrag never
spawn p
mmap p r 8M
mmap p h 4M
madvise p h 0 4M hugepage
touch p r 0 8M write
touch p h 0 4M write
smaps p r
smaps p h
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
