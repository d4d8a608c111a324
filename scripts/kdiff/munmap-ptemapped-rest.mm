# munmap of the rest of a PTE-mapped THP after a partial munmap: counted once.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M
munmap p r 0 4K
munmap p r 4K 2044K
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
