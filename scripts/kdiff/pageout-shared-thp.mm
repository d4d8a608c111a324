# MADV_PAGEOUT skips a folio mapped by another process (folio_maybe_mapped_shared()).
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M
fork p c
madvise p r 0 2M pageout
smaps p r
smaps c r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
