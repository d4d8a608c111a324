# Fork of a huge zero PMD; a write in the child then allocates a THP (do_huge_zero_wp_pmd()).
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M read
fork p c
touch c r 0 4K write
smaps p r
smaps c r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
