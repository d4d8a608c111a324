# hugepages-2048kB/enabled (6.8) decides for PMD-sized THPs; its default, inherit, follows the
# top-level enabled (thp_vma_allowable_orders(), hugepage_pmd_enabled()). never there means no THP
# at fault even with enabled=always; always there means THPs at fault even with enabled=never;
# madvise there needs VM_HUGEPAGE. MADV_COLLAPSE does not enforce sysfs.
boot 1G
sysfs enabled always
sysfs hugepages-2048kB/enabled never
sysfs hugepages-2048kB/enabled
spawn p
mmap p a 4M
touch p a 0 4M write
smaps p a
madvise p a 0 2M collapse
smaps p a
sysfs hugepages-2048kB/enabled madvise
mmap p b 4M
madvise p b 2M 2M hugepage
touch p b 0 4M write
smaps p b
sysfs hugepages-2048kB/enabled always
sysfs enabled madvise
mmap p c 4M
touch p c 0 4M write
smaps p c
sysfs hugepages-2048kB/enabled inherit
mmap p d 4M
touch p d 0 4M write
smaps p d
verify p a
verify p b
verify p c
verify p d
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
