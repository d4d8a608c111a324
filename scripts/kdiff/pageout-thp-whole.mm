# MADV_PAGEOUT of a whole PMD-mapped THP without a swap device: shrink_folio_list() fails
# folio_alloc_swap(), splits the folio (thp_swpout_fallback) and puts the pages back.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 0 2M pageout
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
