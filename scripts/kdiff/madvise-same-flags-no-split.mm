# MADV_NOHUGEPAGE on part of a VMA that already has VM_NOHUGEPAGE changes nothing
# (madvise_update_vma(): new flags equal the old ones, no __split_vma()), so the THP that the VMA
# maps stays PMD-mapped: no thp_split_pmd.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M write
madvise p r 0 2M nohugepage
madvise p r 1672K 156K nohugepage
madvise p r 0 2M hugepage
madvise p r 4K 8K hugepage
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
