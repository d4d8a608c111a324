# MADV_COLLAPSE ignores max_ptes_none (cc->is_khugepaged is false): one page is enough.
boot 1G
sysfs enabled madvise
sysfs khugepaged/max_ptes_none 0
spawn p
mmap p r 2M
touch p r 0 4K
madvise p r 0 2M collapse
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
