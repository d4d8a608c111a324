# hugepages-2048kB/stats/ (6.8+): the per-size counters of PMD-sized THPs move with the thp_*
# events (count_mthp_stat(): anon_fault_alloc, split, split_deferred, swpout_fallback), nr_anon
# counts the PMD-sized anonymous folios however mapped and nr_anon_partially_mapped those flagged
# PG_partially_mapped (mod_mthp_stat()); the smaller sizes, all never, stay at 0.
boot 1G
sysfs enabled always
spawn p
mmap p r 8M
touch p r 0 8M write
sysfs hugepages-2048kB/stats/anon_fault_alloc
sysfs hugepages-2048kB/stats/nr_anon
madvise p r 0 4K dontneed
sysfs hugepages-2048kB/stats/nr_anon
sysfs hugepages-2048kB/stats/nr_anon_partially_mapped
sysfs hugepages-2048kB/stats/split_deferred
madvise p r 2M 2M pageout
sysfs hugepages-2048kB/stats/split
sysfs hugepages-2048kB/stats/swpout_fallback
sysfs hugepages-2048kB/stats/nr_anon
munmap p r 4M 4M
sysfs hugepages-2048kB/stats/nr_anon
sysfs hugepages-2048kB/stats/anon_fault_fallback
sysfs hugepages-64kB/stats/anon_fault_alloc
sysfs hugepages-64kB/stats/nr_anon
verify p r
check
