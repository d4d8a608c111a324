# fork() then writes to shared THPs under cow-adaptive, Andrea Arcangeli's middle ground in the THP
# CoW review thread between 2 MiB CoW (cow-huge, Linux before 5.8) and 4 KiB CoW (cow-pte, the
# default, Linux since 5.8): do_huge_pmd_wp_page() copies all 2 MiB when the VMA has VM_HUGEPAGE
# (MADV_HUGEPAGE) and the THP is hot, its PMD young (pmd_young(), the policy's default hot_signal);
# else it splits the PMD and do_wp_page() copies 4 KiB. fork's copy_huge_pmd() gives the child an
# old PMD (pmd_mkold()) and leaves the parent's young. The parent faults 5 THPs (thp_fault_alloc 5):
# 4 in adv (MADV_HUGEPAGE), 1 in plain. Expected:
#   cow-pte:      the child's write to adv's THP 0 splits it (thp_split_pmd 1), 4 KiB
#   cow-adaptive: the child's write to THP 1 (its PMD old): split, 4 KiB (thp_split_pmd 2);
#                 the child reads THP 2 (young now), then writes: all 2 MiB (thp_fault_alloc 6);
#                 the parent writes THP 3 (its PMD young): all 2 MiB (thp_fault_alloc 7);
#                 the child reads and writes plain (no MADV_HUGEPAGE): split, 4 KiB (thp_split_pmd 3)
#   the child keeps AnonHugePages 4096 kB of adv (THPs 2 and 3), the parent all 8192 kB.
boot 1G
sysfs enabled always
spawn parent
mmap parent adv 8M
madvise parent adv 0 8M hugepage
touch parent adv 0 8M write
mmap parent plain 2M
touch parent plain 0 2M write
fork parent child
touch child adv 0 4K write
vmstat thp_fault_alloc
vmstat thp_split_pmd
policy use cow adaptive
touch child adv 2M 4K write
vmstat thp_fault_alloc
vmstat thp_split_pmd
touch child adv 4M 4K read
touch child adv 4M 4K write
vmstat thp_fault_alloc
vmstat thp_split_pmd
touch parent adv 6M 4K write
vmstat thp_fault_alloc
touch child plain 0 4K read
touch child plain 0 4K write
vmstat thp_fault_alloc
vmstat thp_split_pmd
smaps child adv
smaps child plain
smaps parent adv
verify parent adv
verify parent plain
verify child adv
verify child plain
check
# When no huge page can be had, cow-adaptive falls back to the 4 KiB copy (thp_fault_fallback),
# as cow-huge does: the filler leaves 5890 free pages (pagetypeinfo), and taking an order-9 block would
# go below the min watermark (5632 pages on 1 GiB, as THP raises it); defrag=never allows no
# reclaim or compaction.
# child2's read makes its PMD of adv's THP 0 young, so the policy tries the 2 MiB copy first.
fork parent child2
sysfs defrag never
mmap child2 filler 983M
touch child2 filler 0 983M write
pagetypeinfo
touch child2 adv 4K 4K read
touch child2 adv 4K 4K write
vmstat thp_fault_fallback
vmstat thp_split_pmd
smaps child2 adv
verify child2 adv
verify parent adv
check
