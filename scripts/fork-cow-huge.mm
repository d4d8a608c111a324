# fork() then writes to a PMD-mapped THP, Linux < 5.8 (cow-huge): do_huge_pmd_wp_page() copies
# the whole 2 MiB into a new THP for the writer. Expected: the child's write allocates a THP
# (thp_fault_alloc 2) and both keep AnonHugePages 2048 kB; the parent is then the only user of
# the old THP and reuses it on its write without a copy (thp_fault_alloc stays 2); no PMD split.
boot 1G
sysfs enabled always
policy use cow huge
spawn parent
mmap parent a 2M
touch parent a 0 2M write
fork parent child
touch child a 0 4K write
smaps child a
smaps parent a
vmstat thp_fault
touch parent a 0 4K write
smaps parent a
vmstat thp_fault
vmstat thp_split_pmd
verify parent a
verify child a
check
# When no huge page can be had, cow-huge falls back to the 4 KiB copy (thp_fault_fallback).
# The filler leaves 5900 free pages: free pageblocks, but taking one would go below the min
# watermark (5632 pages on 1 GiB: min_free_kbytes 22528 as set_recommended_min_free_kbytes()
# raises it for THP), and defrag=never allows no reclaim or compaction.
fork parent child2
sysfs defrag never
mmap child2 filler 993M
touch child2 filler 0 993M write
pagetypeinfo
touch child2 a 4K 4K write
smaps child2 a
vmstat thp_fault_fallback
verify child2 a
verify parent a
check
