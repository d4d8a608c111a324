# MADV_PAGEOUT of half a THP (madvise_cold_or_pageout_pte_range()): the folio is split directly.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 0 1M pageout
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
