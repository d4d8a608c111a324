# MADV_COLLAPSE over a range of 64 kB folios: collapse_huge_page() copies their pages into one
# PMD-sized folio and the mTHPs go (nr_anon of the 64 kB size back to 0); khugepaged's limits do
# not apply (cc->is_khugepaged is false), and enabled=never does not stop it.
boot 1G
sysfs enabled never
sysfs hugepages-64kB/enabled always
policy use fault mthp
spawn p
mmap p r 2M
touch p r 0 1M write
smaps p r
sysfs hugepages-64kB/stats/nr_anon
madvise p r 0 2M collapse
smaps p r
sysfs hugepages-64kB/stats/nr_anon
vmstat thp_collapse_alloc
verify p r
check
