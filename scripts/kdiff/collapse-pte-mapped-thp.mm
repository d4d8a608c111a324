# MADV_COLLAPSE of a PTE-mapped THP (after a partial MADV_DONTNEED split its PMD).
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 0 4K dontneed
smaps p r
madvise p r 0 2M collapse
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
