# 6.18 collapses read-only PTEs (no SCAN_PAGE_RO): MADV_COLLAPSE in the parent of a range shared
# with a child collapses in the parent only; the child keeps its 4 KiB pages.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 2M
touch p r 0 2M
fork p c
madvise p r 0 2M collapse
smaps p r
smaps c r
verify p r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
