# reclaim-underused: Meta's THP shrinker (Usama Arif's "mm: split underused THPs", Linux 6.12) as a
# reclaim policy with its own threshold. Under pressure (kswapd below the low watermark here),
# deferred_split_scan() splits a fully mapped THP when thp_underused() finds more zero-filled
# subpages than the policy's max_ptes_none (PID org.thplab.policy.reclaimunderused, default 511),
# maps them to the shared zero page and frees them (thp_underused_split_page). The default reclaim
# policy, lru-shrinker, judges against khugepaged/max_ptes_none, and at 511 the kernel turns
# thp_underused() off; underused runs its loop as written at 511: "more than 511 zero-filled
# subpages", an all-zero THP. (With max_ptes_none=255 in its configuration it splits u2 too, Rss
# 2048 -> 40 kB, as the kernel does at khugepaged/max_ptes_none 255: PolicyConfigTest; a script
# always starts from the defaults.) Otherwise it reclaims as lru-shrinker (one pass, ShrinkSlab).
# Expected:
#   lru-shrinker: z1 (512 zero-filled subpages) and u1 (502) are not split, and leave the queue
#   underused:    z2 (512) is split (thp_underused_split_page 1, thp_split_page 1, thp_split_pmd 1),
#                 Rss 2048 -> 0 kB, its 512 pages freed; u2 (502, not more than 511) is not; z1
#                 left the queue at the first pass and stays a THP.
boot 64M
sysfs enabled always
# A read fault with use_zero_page 0 maps a new THP, every subpage zero-filled.
sysfs use_zero_page 0
spawn p
mmap p z1 2M
touch p z1 0 4K read
mmap p u1 2M
touch p u1 0 40K write
spawn hog
mmap hog h 62M
madvise hog h 0 62M nohugepage
touch hog h 0 55468K write
vmstat pageoutrun
vmstat thp_underused
vmstat nr_thp_deferred
smaps p z1
exit hog
policy use reclaim underused
mmap p z2 2M
touch p z2 0 4K read
mmap p u2 2M
touch p u2 0 40K write
vmstat nr_anon
spawn hog
mmap hog h 62M
madvise hog h 0 62M nohugepage
touch hog h 0 51372K write
vmstat pageoutrun
vmstat thp_split
vmstat thp_underused
smaps p z1
smaps p u1
smaps p z2
smaps p u2
exit hog
# p's anonymous pages: 2048 before, 512 fewer (z2's, all mapping the zero page now); 3 THPs left.
vmstat nr_anon
sysfs khugepaged/max_ptes_none
verify p z1
verify p u1
verify p z2
verify p u2
check
