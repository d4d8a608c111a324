# An mTHP after fork: the child's write copies 4 kB (do_wp_page(): the folio is shared); the
# parent's MADV_DONTNEED of part of it leaves it partially mapped (split_deferred,
# nr_anon_partially_mapped), its own pages stay; exit of the child changes nothing else.
boot 1G
sysfs enabled never
sysfs hugepages-64kB/enabled always
policy use fault mthp
spawn p
mmap p r 2M
touch p r 0 64K write
fork p c
touch c r 0 4K write
smaps c r
smaps p r
madvise p r 0 16K dontneed
smaps p r
sysfs hugepages-64kB/stats/split_deferred
sysfs hugepages-64kB/stats/nr_anon_partially_mapped
exit c
verify p r
check
