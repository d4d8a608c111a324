# MADV_DONTNEED of a whole 2 MiB of base pages frees the empty PTE table (CONFIG_PT_RECLAIM, 6.14:
# zap_pte_range() -> try_to_free_pte()): the PMD is none again, so MADV_COLLAPSE finds no table
# (SCAN_PMD_NULL, EINVAL) and the next fault in a VM_HUGEPAGE range maps a THP.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 4M
touch p r 0 4M
madvise p r 0 2M dontneed
madvise p r 2M 1M dontneed
madvise p r 0 4M hugepage
madvise p r 0 2M collapse
touch p r 0 4K
touch p r 2M 4K
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
