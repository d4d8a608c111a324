# MADV_PAGEOUT of THPs on a machine without swap, Linux 6.18: madvise_cold_or_pageout_pte_range()
# isolates what the range covers and reclaim_pages() -> shrink_folio_list() tries to swap it out.
# - A huge PMD the range covers whole: the folio is isolated whole; folio_alloc_swap() fails, so
#   it is split (thp_split_pmd, thp_split_page, thp_swpout_fallback) and its base pages stay
#   (their folio_alloc_swap() fails too): AnonHugePages 0, Rss unchanged, except that the split
#   maps zero-filled subpages to the zero page (remap_page()).
# - A huge PMD the range covers in part: split_folio() at once (thp_split_pmd, thp_split_page,
#   no thp_swpout_fallback).
# - A THP mapped by PTEs whose PTEs in the range map all of it: reclaimed whole as above (no
#   thp_split_pmd: there is no PMD); its split unmaps the PTEs one page at a time, so it is
#   partially mapped on the way (thp_deferred_split_page). In part, or with a hole: split at once.
# - A folio another process maps too is skipped (folio_maybe_mapped_shared()); the huge zero
#   PMD is skipped (is_huge_zero_pmd()).
# Recorded on Linux 6.18 x86_64 without swap (2 MiB-aligned MADV_HUGEPAGE regions):
#   a: all 512 pages written, whole range    thp_split_pmd +1, thp_split_page +1, thp_swpout_fallback +1; Rss 2048 kB, AnonHugePages 0
#   b: 10 pages written, whole range         the same; Rss 40 kB
#   c: all written, first half               thp_split_pmd +1, thp_split_page +1; Rss 2048 kB
#   d: 10 written, first half                the same; Rss 40 kB
#   e: shared with a child, whole and half   nothing; after the child's exit, whole: as a
#   f: PTE-mapped (10 written), whole        thp_split_page +1, thp_deferred_split_page +1, thp_swpout_fallback +1; Rss 40 kB
#   h: PTE-mapped (10 written), first half   thp_split_page +1, thp_deferred_split_page +1; Rss 40 kB
#   g: partially mapped (10 written), whole  thp_split_page +1; Rss 40 kB
#   k: partially mapped, one page            thp_split_page +1; Rss 40 kB
#   z: the huge zero PMD, first half         nothing; Rss 0
#   s: PMD-mapped here, a child split its PMD and dropped a page: whole range   nothing
boot 256M
sysfs enabled madvise
spawn p
mmap p a 2M
madvise p a 0 2M hugepage
touch p a 0 2M write
madvise p a 0 2M pageout
smaps p a
vmstat thp_s
mmap p b 2M
madvise p b 0 2M hugepage
touch p b 0 40K write
madvise p b 0 2M pageout
smaps p b
vmstat thp_s
mmap p c 2M
madvise p c 0 2M hugepage
touch p c 0 2M write
madvise p c 0 1M pageout
smaps p c
vmstat thp_s
mmap p d 2M
madvise p d 0 2M hugepage
touch p d 0 40K write
madvise p d 0 1M pageout
smaps p d
vmstat thp_s
mmap p e 2M
madvise p e 0 2M hugepage
touch p e 0 2M write
fork p child
madvise p e 0 2M pageout
madvise p e 0 1M pageout
smaps p e
vmstat thp_s
exit child
madvise p e 0 2M pageout
smaps p e
vmstat thp_s
# f and h: MADV_NOHUGEPAGE on half splits the VMA and the PMD, MADV_HUGEPAGE merges the VMA again.
mmap p f 2M
madvise p f 0 2M hugepage
touch p f 0 40K write
madvise p f 0 1M nohugepage
madvise p f 0 1M hugepage
vmstat thp_deferred
madvise p f 0 2M pageout
smaps p f
vmstat thp_deferred
vmstat thp_s
mmap p h 2M
madvise p h 0 2M hugepage
touch p h 0 40K write
madvise p h 0 1M nohugepage
madvise p h 0 1M hugepage
madvise p h 0 1M pageout
smaps p h
vmstat thp_deferred
vmstat thp_s
mmap p g 2M
madvise p g 0 2M hugepage
touch p g 0 40K write
madvise p g 400K 4K dontneed
vmstat thp_deferred
madvise p g 0 2M pageout
smaps p g
vmstat thp_deferred
vmstat thp_s
mmap p k 2M
madvise p k 0 2M hugepage
touch p k 0 40K write
madvise p k 400K 4K dontneed
madvise p k 800K 4K pageout
smaps p k
vmstat thp_s
mmap p z 2M
madvise p z 0 2M hugepage
touch p z 0 4K read
madvise p z 0 1M pageout
smaps p z
vmstat thp_s
mmap p s 2M
madvise p s 0 2M hugepage
touch p s 0 40K write
fork p child
madvise child s 1200K 4K dontneed
madvise p s 0 2M pageout
smaps p s
vmstat thp_s
verify p a
verify p b
verify p c
verify p d
verify p e
verify p f
verify p h
verify p g
verify p k
verify p s
verify child s
check
