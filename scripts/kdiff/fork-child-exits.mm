# After the child exits the parent's THP is exclusive again: a write reuses the PMD (no split).
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M
fork p c
exit c
touch p r 0 4K
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
