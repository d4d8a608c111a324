# alloc_anon_folio() takes the largest enabled order whose aligned range is inside the VMA and
# has only none PTEs (pte_range_none(); the zero page's PTE is not none): after a read of the
# first page, a write at 16 kB gets neither the 64 kB nor the 32 kB folio, but the 16 kB one
# (Rss). The per-size counters are the host's: while three small sizes are enabled, any
# process's fault may count there, so only smaps is observed.
boot 1G
sysfs enabled never
sysfs hugepages-64kB/enabled always
sysfs hugepages-32kB/enabled always
sysfs hugepages-16kB/enabled always
policy use fault mthp
spawn p
mmap p r 2M
touch p r 0 4K read
touch p r 16K 4K write
smaps p r
touch p r 64K 4K write
smaps p r
verify p r
check
