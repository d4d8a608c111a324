# A write fault on a read-only PTE of a large folio that only this mm maps reuses the folio
# (do_wp_page() -> wp_can_reuse_anon_folio() -> __wp_can_reuse_large_anon_folio(), 6.15): after
# fork, a child that rewrote all its pages no longer maps the parent's THP, whose PMD a VMA split
# had split into PTEs; the parent's writes then copy nothing, and the THP never becomes
# partially mapped (no thp_deferred_split_page), Rss stays.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M write
fork p c
touch c r 0 2M write
madvise p r 1M 4K nohugepage
touch p r 0 2M write
smaps p r
smaps c r
verify p r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
