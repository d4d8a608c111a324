# khugepaged with pages_to_scan=512: a tick (two full scans) still covers every PMD.
boot 1G
sysfs enabled madvise
sysfs khugepaged/pages_to_scan 512
spawn p
mmap p r 8M
touch p r 0 8M
madvise p r 0 8M hugepage
tick
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
