# Parts of a VMA split after its first fault share its anon_vma (__split_vma()), so when their flags
# agree again they merge back (vma_merge_existing_range(), is_mergeable_anon_vma()) and
# MADV_COLLAPSE of the whole 2 MiB succeeds.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 2M
touch p r 0 2M write
madvise p r 1040K 688K nohugepage
madvise p r 0 2M hugepage
madvise p r 0 2M collapse
smaps p r
verify p r
vmstat thp_collapse
check
