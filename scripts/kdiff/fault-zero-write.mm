# A write fault on the huge zero page (do_huge_pmd_wp_page() -> do_huge_zero_wp_pmd(), since 6.13)
# allocates a THP for the whole PMD: thp_fault_alloc +1, no PMD split.
boot 1G
sysfs enabled always
sysfs use_zero_page 1
spawn p
mmap p r 4M
touch p r 0 4M read
smaps p r
touch p r 4K 4K write
smaps p r
touch p r 2M 2M write
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
