# Deferred split, Linux 6.12 and later: every new PMD-mapped THP is queued uncounted
# (map_anon_folio_pmd() -> deferred_split_folio(folio, false)); thp_deferred_split_page counts a
# folio only when it first becomes partially mapped (__folio_remove_rmap(): some pages unmapped,
# some still mapped; PG_partially_mapped), once. Zapping removes the PTEs of a large folio in
# batches (zap_present_ptes(), folio_pte_batch()), one VMA at a time (unmap_vmas()), so a THP that
# one VMA maps by PTEs is freed whole by munmap or exit and counts nothing; two VMAs unmap it in
# two steps, and it is partially mapped in between.
# Recorded on Linux 6.18 x86_64, a 2 MiB-aligned MADV_HUGEPAGE region each, every page written:
#   fault                                      thp_fault_alloc +1, thp_deferred_split_page 0
#   MADV_DONTNEED of one page                  thp_split_pmd +1, thp_deferred_split_page +1, Rss 2044 kB
#   MADV_DONTNEED of another page              nothing more, Rss 2040 kB
#   munmap of the second half                  thp_split_pmd +1, thp_deferred_split_page +1, Rss 1024 kB
#   PTE-mapped (VMA split and merged), munmap  thp_deferred_split_page 0
#   PTE-mapped across two VMAs, munmap         thp_deferred_split_page +1
#   PMD-mapped, munmap                         nothing
#   a child with a PTE-mapped THP exits        thp_deferred_split_page 0
boot 64M
sysfs enabled always
spawn p
mmap p a 2M
touch p a 0 2M write
vmstat thp_deferred
vmstat nr_thp_deferred
madvise p a 20K 4K dontneed
smaps p a
vmstat thp_deferred
vmstat thp_split_pmd
madvise p a 36K 4K dontneed
smaps p a
vmstat thp_deferred
mmap p d 2M
touch p d 0 2M write
munmap p d 1M 1M
smaps p d
vmstat thp_deferred
vmstat thp_split_pmd
# PTE-mapped in one VMA: MADV_NOHUGEPAGE on half splits the VMA and the PMD
# (vma_adjust_trans_huge()), MADV_HUGEPAGE merges the VMA again; munmap zaps 512 PTEs in one batch.
mmap p e 2M
madvise p e 0 2M hugepage
touch p e 0 2M write
madvise p e 0 1M nohugepage
madvise p e 0 1M hugepage
smaps p e
munmap p e 0 2M
vmstat thp_deferred
# Across two VMAs: the first VMA's 256 PTEs go first, the folio is partially mapped.
mmap p f 2M
madvise p f 0 2M hugepage
touch p f 0 2M write
madvise p f 0 1M nohugepage
munmap p f 0 2M
vmstat thp_deferred
mmap p g 2M
touch p g 0 2M write
munmap p g 0 2M
vmstat thp_deferred
spawn c
mmap c h 2M
madvise c h 0 2M hugepage
touch c h 0 2M write
madvise c h 0 1M nohugepage
madvise c h 0 1M hugepage
exit c
vmstat thp_
# On the queue: a and d, partially mapped.
vmstat nr_thp_deferred
verify p a
verify p d
check
