# MADV_COLLAPSE of PTEs that map the 4 KiB zero page (read faults with enabled=never).
boot 1G
sysfs enabled never
spawn p
mmap p r 2M
touch p r 0 2M read
touch p r 0 4K write
sysfs enabled madvise
madvise p r 0 2M collapse
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
