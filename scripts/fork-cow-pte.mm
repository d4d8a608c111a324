# fork() then writes to a PMD-mapped THP, Linux >= 5.8 (cow-pte): do_huge_pmd_wp_page() cannot
# reuse a shared THP, so it splits the writer's PMD and do_wp_page() copies one 4 KiB page.
# Expected: child AnonHugePages 0 after its write, parent keeps 2048 kB until it writes too;
# thp_split_pmd counts both splits; the page both processes copied away leaves the THP
# partially mapped, so it is queued for deferred split.
boot 1G
sysfs enabled always
policy use cow pte
spawn parent
mmap parent a 2M
touch parent a 0 2M write
fork parent child
smaps child a
touch child a 0 4K write
smaps child a
smaps parent a
vmstat thp_split_pmd
touch parent a 0 4K write
smaps parent a
vmstat thp_split_pmd
vmstat thp_fault
vmstat thp_deferred
verify parent a
verify child a
check
exit child
smaps parent a
verify parent a
check
