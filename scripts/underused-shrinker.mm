# The deferred split shrinker, Linux 6.12 and later (deferred_split_scan()), which runs under
# memory pressure: shrink_slab() in kswapd's and direct reclaim's passes. thplab runs it in every
# reclaim pass, through the reclaim policy (lru-shrinker: batches of 128 until the pass's target
# is met); here a process `hog` fills memory with base pages until kswapd wakes (pageoutrun).
# A scan takes each THP off the queue: a partially mapped one is split; a fully mapped one only
# when thp_underused() finds more zero-filled subpages than khugepaged/max_ptes_none, and only
# when that is below 511 (thp_underused_split_page); any other THP just leaves the queue and is
# not looked at again unless it becomes partially mapped. Every split maps the zero-filled
# subpages to the shared zero page (remap_page(), try_to_map_unused_to_zeropage()): Rss drops.
# Recorded on Linux 6.18 x86_64 (2 MiB-aligned MADV_HUGEPAGE regions; the shrinker run by
# `echo 2 > /proc/sys/vm/drop_caches`, with max_ptes_none set just for it):
#   u1: 10 of 512 pages written, max_ptes_none 511    nothing split, off the queue (not split later at 255)
#   u2: 10 written, max_ptes_none 255                 thp_underused_split_page +1, thp_split_page +1,
#                                                     thp_split_pmd +1, Rss 2048 -> 40 kB
#   u3: 300 written, 255; then 100                    nothing split either time
#   z: the THP of a write to the huge zero page, 255  underused split, Rss 2048 -> 4 kB
#   p1: 10 written, one other page MADV_DONTNEED, 511 thp_split_page +1 (no thp_split_pmd, no
#                                                     thp_underused_split_page), Rss 2044 -> 40 kB
boot 64M
sysfs enabled always
spawn p
# u1: a THP at the first write, 502 of its pages zero-filled.
mmap p u1 2M
touch p u1 0 40K write
spawn hog
mmap hog h 62M
madvise hog h 0 62M nohugepage
# MemFree falls below the low watermark: kswapd (pageoutrun); max_ptes_none 511: u1 is not underused.
touch hog h 0 57516K write
vmstat pageoutrun
vmstat thp_underused
vmstat nr_thp_deferred
exit hog
sysfs khugepaged/max_ptes_none 255
# u2 like u1; u3 with 300 pages written (212 zero-filled, not more than 255); z: a write to the huge zero page.
mmap p u2 2M
touch p u2 0 40K write
mmap p u3 2M
touch p u3 0 1200K write
mmap p z 2M
touch p z 0 4K read
touch p z 0 4K write
spawn hog
mmap hog h 62M
madvise hog h 0 62M nohugepage
# u2 and z are underused and split; u3 is not; u1 left the queue at the last scan.
touch hog h 0 49312K write
vmstat pageoutrun
vmstat thp_
vmstat nr_thp_deferred
smaps p u1
smaps p u2
smaps p u3
smaps p z
exit hog
# 212 zero-filled pages are more than 100 now, but u3 is no longer on the queue.
sysfs khugepaged/max_ptes_none 100
spawn hog
mmap hog h 62M
madvise hog h 0 62M nohugepage
touch hog h 0 53364K write
vmstat pageoutrun
vmstat thp_underused
smaps p u3
exit hog
sysfs khugepaged/max_ptes_none 511
# p1: partially mapped (thp_deferred_split_page), split whatever max_ptes_none says.
mmap p p1 2M
touch p p1 0 40K write
madvise p p1 400K 4K dontneed
vmstat thp_deferred
spawn hog
mmap hog h 62M
madvise hog h 0 62M nohugepage
touch hog h 0 53360K write
vmstat pageoutrun
vmstat thp_split
vmstat thp_underused
smaps p p1
verify p u1
verify p u2
verify p u3
verify p z
verify p p1
check
