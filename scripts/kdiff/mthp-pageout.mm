# MADV_PAGEOUT of a whole 64 kB folio this process alone maps, with no swap device:
# shrink_folio_list() cannot swap it out, splits it (split, swpout_fallback) and the split maps
# the 15 zero-filled subpages to the shared zero page (RMP_USE_SHARED_ZEROPAGE): Rss 4 kB.
boot 1G
sysfs enabled never
sysfs hugepages-64kB/enabled always
policy use fault mthp
spawn p
mmap p r 2M
touch p r 0 4K write
smaps p r
madvise p r 0 64K pageout
smaps p r
sysfs hugepages-64kB/stats/split
sysfs hugepages-64kB/stats/swpout_fallback
sysfs hugepages-64kB/stats/nr_anon
verify p r
check
