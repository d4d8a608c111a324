# A touch of an unmapped page faults with EFAULT (SIGSEGV).
boot 1G
sysfs enabled always
spawn p
mmap p r 4M
munmap p r 2M 2M
touch p r 0 2M
touch p r 2M 4K
smaps p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
