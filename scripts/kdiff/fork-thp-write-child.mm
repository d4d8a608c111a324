# CoW of a THP since 5.8 (do_huge_pmd_wp_page()): the child's write splits its PMD and copies 4 KiB.
boot 1G
sysfs enabled always
spawn p
mmap p r 4M
touch p r 0 4M
fork p c
touch c r 0 4K
smaps p r
smaps c r
verify p r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
