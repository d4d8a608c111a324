# CONFIG_MM_ID (6.15): a third mm that maps a large folio gets no mm slot
# (folio_add_return_large_mapcount()), so after the first two have left, the folio it alone maps
# is still "maybe shared" and __wp_can_reuse_large_anon_folio() refuses it: each write to its
# read-only PTEs copies 4 KiB, and the first copy leaves the THP partially mapped.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M write
fork p c1
fork p c2
madvise c2 r 1M 4K nohugepage
exit p
exit c1
touch c2 r 0 1M write
smaps c2 r
verify c2 r
vmstat thp_deferred_split_page
vmstat thp_split_pmd
vmstat thp_fault_alloc
check
