# khugepaged and a PTE-mapped THP (partial DONTNEED split the PMD).
boot 1G
sysfs enabled madvise
spawn p
mmap p r 2M
madvise p r 0 2M hugepage
touch p r 0 2M
madvise p r 0 8K dontneed
tick
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
