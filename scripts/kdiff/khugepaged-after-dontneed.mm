# khugepaged after MADV_DONTNEED of half of a base-page PMD.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 1M 1M dontneed
madvise p r 0 2M hugepage
tick
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
