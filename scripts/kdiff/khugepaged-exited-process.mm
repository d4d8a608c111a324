# khugepaged after the process exits: nothing to collapse, its mm leaves the list.
boot 1G
sysfs enabled madvise
spawn p
spawn q
mmap p r 2M
mmap q r 2M
touch p r 0 2M
touch q r 0 2M
madvise p r 0 2M hugepage
madvise q r 0 2M hugepage
exit p
tick
smaps q r
verify q r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
