# CoW of base pages (do_wp_page()): each write in parent or child copies 4 KiB.
boot 1G
sysfs enabled never
spawn p
mmap p r 2M
touch p r 0 2M
fork p c
touch c r 0 1M
touch p r 1M 1M
smaps p r
smaps c r
verify p r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
