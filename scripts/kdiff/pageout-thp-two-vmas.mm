# MADV_PAGEOUT walks VMA by VMA (madvise_walk_vmas()): a PTE-mapped THP that two VMAs map is never
# covered whole by one walk of madvise_cold_or_pageout_pte_range(), so it is split at once
# (split_folio(): thp_split_page) with no swap-out fallback. A range over a hole pages out the
# mapped parts, then answers ENOMEM.
boot 1G
sysfs enabled always
spawn p
mmap p r 6M
touch p r 0 6M write
madvise p r 3M 1M nohugepage
madvise p r 2M 2M pageout
smaps p r
munmap p r 4M 1M
madvise p r 0 6M pageout
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
