# khugepaged with enabled=always collapses base pages faulted while enabled was madvise.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 4M
touch p r 0 4M
sysfs enabled always
tick
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
