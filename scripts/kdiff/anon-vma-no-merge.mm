# VMAs with different anon_vmas never merge (is_mergeable_anon_vma()): the three parts of a region
# that were faulted while the middle one had VM_NOHUGEPAGE got an anon_vma each
# (anon_vma_prepare(): anon_vma_compatible() needs the same flags), so after MADV_HUGEPAGE over all
# of them they stay three VMAs, and MADV_COLLAPSE of the 2 MiB, which no one VMA holds whole,
# is EINVAL.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 2M
madvise p r 1040K 688K nohugepage
touch p r 0 2M write
madvise p r 0 2M hugepage
madvise p r 0 2M collapse
smaps p r
verify p r
vmstat thp_collapse
check
