# __wp_can_reuse_large_anon_folio() for an mTHP: after fork and the child's exit, the parent
# alone maps its 64 kB folio (its mm slots say so), so its writes to the write-protected PTEs
# reuse the folio: nothing is copied, the folio is never partially mapped.
boot 1G
sysfs enabled never
sysfs hugepages-64kB/enabled always
policy use fault mthp
spawn p
mmap p r 2M
touch p r 0 64K write
fork p c
exit c
touch p r 0 64K write
smaps p r
sysfs hugepages-64kB/stats/split_deferred
sysfs hugepages-64kB/stats/nr_anon
verify p r
check
