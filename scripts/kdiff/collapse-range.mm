# MADV_COLLAPSE range rules (madvise_collapse(), v6.18): the range is rounded inward to whole
# PMDs; no whole aligned 2 MiB block in it is EINVAL, an empty range after rounding is 0.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 8M
touch p r 0 8M
madvise p r 0 4M collapse
smaps p r
madvise p r 4K 4K collapse
madvise p r 4100K 2044K collapse
madvise p r 5M 2M collapse
madvise p r 4M 4M collapse
smaps p r
vmstat thp_collapse
verify p r
check
