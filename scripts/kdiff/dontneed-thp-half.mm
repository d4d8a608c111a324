# MADV_DONTNEED of half a THP: split_huge_pmd, the folio partially mapped (deferred split).
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M
madvise p r 0 1M dontneed
smaps p r
verify p r
touch p r 0 1M read
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
