# folio_maybe_mapped_shared() with CONFIG_MM_ID (6.15) tracks two mms per large folio
# (folio_add_large_mapcount(), folio_sub_large_mapcount()): a third mm that maps the folio gets no
# slot, and the "maybe shared" bit stays set after the first two unmap it, so khugepaged still
# counts the third mm's pages of it as shared (max_ptes_shared) and does not collapse them.
boot 1G
sysfs enabled always
spawn a
mmap a r 2M
touch a r 0 2M write
fork a b
fork b c
touch c r 1916K 56K write
exit a
touch c r 56K 196K write
madvise b r 0 2M dontneed
tick
smaps b r
smaps c r
verify c r
vmstat thp_collapse
vmstat thp_scan_exceed_share
vmstat nr_anon_transparent_hugepages
check
