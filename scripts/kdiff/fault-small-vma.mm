# A VMA smaller than 2 MiB can never hold a PMD THP (thp_vma_suitable_order()): base pages only.
boot 1G
sysfs enabled always
spawn p
mmap p small 1M
mmap p odd 3M
touch p small 0 1M write
touch p odd 0 3M write
smaps p small
smaps p odd
verify p small
verify p odd
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
