# Multi-size THP (6.8): with hugepages-64kB/enabled=always a write fault maps the aligned 64 kB
# folio around the address (alloc_anon_folio()), all 16 PTEs: Rss 64 kB, not AnonHugePages; a
# read fault maps the zero page (do_anonymous_page()). The per-size counters move, not thp_*.
boot 1G
sysfs enabled never
sysfs hugepages-64kB/enabled always
policy use fault mthp
spawn p
mmap p r 2M
touch p r 12K 4K write
smaps p r
touch p r 1M 4K read
smaps p r
sysfs hugepages-64kB/stats/anon_fault_alloc
sysfs hugepages-64kB/stats/anon_fault_fallback
sysfs hugepages-64kB/stats/nr_anon
vmstat thp_fault_alloc
vmstat nr_anon_transparent_hugepages
verify p r
check
