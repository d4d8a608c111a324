# MADV_COLLAPSE of a THP that this mm maps whole by PTEs (its PMD split by a VMA split that has
# merged back): the copy into a new THP removes the old folio's PTEs in one batch
# (__collapse_huge_page_copy_succeeded(), folio_remove_rmap_ptes(), 6.18), so the old THP is never
# partially mapped: no thp_deferred_split_page.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M write
madvise p r 1324K 536K nohugepage
madvise p r 0 2M hugepage
smaps p r
madvise p r 0 2M collapse
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
