# Read faults map the huge zero page (do_huge_pmd_anonymous_page() with use_zero_page=1):
# thp_zero_page_alloc counts its one allocation; smaps does not count it in Rss
# (vm_normal_page_pmd() returns no page for it). A write to it falls back: since Linux 5.8
# do_huge_pmd_wp_page() splits the zero PMD into 512 zero-page PTEs and do_wp_page() gives the
# written page its own zeroed 4 KiB page.
boot 1G
sysfs enabled always
spawn p
mmap p z 4M
touch p z 0 4M read
smaps p z
vmstat thp_zero
vmstat thp_fault
touch p z 8K 4K write
# The first 2 MiB is now 511 zero-page PTEs and one private page.
smaps p z
vmstat thp_split_pmd
vmstat thp_fault
verify p z
# With cow-huge (Linux before 5.8) the write allocates and zeroes a whole THP instead.
policy use cow huge
touch p z 2M 4K write
smaps p z
vmstat thp_fault
# use_zero_page=0: a read fault allocates a THP like a write does.
sysfs use_zero_page 0
mmap p r 2M
touch p r 0 2M read
smaps p r
vmstat thp_fault
vmstat thp_zero
verify p z
verify p r
check
