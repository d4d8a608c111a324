# Read faults map the huge zero page (do_huge_pmd_anonymous_page() with use_zero_page=1):
# thp_zero_page_alloc counts its one allocation; smaps does not count it in Rss
# (vm_normal_page_pmd() returns no page for it). A write to it: since Linux 6.13
# do_huge_pmd_wp_page() -> do_huge_zero_wp_pmd() replaces the zero PMD by a new zeroed THP
# (thp_fault_alloc, no split; Linux 6.18 on x86_64: thp_fault_alloc +1, AnonHugePages 2048 kB).
# From 5.8 to 6.12 it split the zero PMD and copied one 4 KiB page, which 6.13 still does when
# no THP can be had (scripts/huge-zero-wp.mm).
boot 1G
sysfs enabled always
spawn p
mmap p z 4M
touch p z 0 4M read
smaps p z
vmstat thp_zero
vmstat thp_fault
touch p z 8K 4K write
# The first 2 MiB is now a THP of its own.
smaps p z
vmstat thp_split_pmd
vmstat thp_fault
verify p z
# With cow-huge (Linux before 5.8) the write allocates and zeroes a whole THP as well.
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
