# khugepaged skips a VM_NOHUGEPAGE VMA even with enabled=always.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 4M
touch p r 0 4M
madvise p r 0 4M nohugepage
sysfs enabled always
tick
smaps p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
