# munmap of the first half of a THP: the PMD is split (__split_huge_pmd()) and the folio queued for
# deferred split as partially mapped (thp_deferred_split_page, since 6.12 only then).
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M
munmap p r 0 1M
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
