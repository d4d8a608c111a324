# Linux 6.18 collapses read-only PTEs: hpage_collapse_scan_pmd() and
# __collapse_huge_page_isolate() (mm/khugepaged.c) lost the writable check (SCAN_PAGE_RO, which
# the kernel's enum scan_result no longer has). A page counts as shared by
# folio_maybe_mapped_shared(); max_ptes_none, max_ptes_swap, max_ptes_shared and the referenced
# check apply to khugepaged only (cc->is_khugepaged).
# Expected, as a 6.18 kernel did it in a C program (docs/khugepaged.md, "Checked on 6.18"):
# MADV_COLLAPSE of pages fork write-protected: 0 in the parent, thp_collapse_alloc +1, the child
# keeps its 4 KiB pages (Rss 2048 kB, AnonHugePages 0); then 0 in the child too (its PTEs are
# read-only and old), +1; a write in the parent needs no CoW (thp_split_pmd +0).
boot 1G
sysfs enabled madvise
spawn p
mmap p a 2M
touch p a 0 2M write
fork p c
madvise p a 0 2M collapse
vmstat thp_collapse_alloc
smaps p a
smaps c a
madvise c a 0 2M collapse
vmstat thp_collapse_alloc
smaps c a
touch p a 0 2M write
vmstat thp_split_pmd
verify p a
verify c a
exit c
munmap p a
# A THP shared with a child that unmapped its first half; the parent zaps its page 0, which
# splits its PMD. Its pages 1..255 are mapped by the parent alone, but the folio is mapped by
# both mms: folio_maybe_mapped_shared() counts all 511 PTEs as shared. Kernel: khugepaged does
# not collapse (thp_scan_exceed_share_pte grows each scan, 3 in 3 scans), MADV_COLLAPSE does (0,
# AnonHugePages 2048 kB, thp_collapse_alloc +1).
sysfs khugepaged/scan_sleep_millisecs 10
mmap p b 2M
madvise p b 0 2M hugepage
touch p b 0 2M write
fork p c
munmap c b 0 1M
madvise p b 0 4K dontneed
smaps p b
smaps c b
tick 30ms
vmstat thp_scan_exceed_share_pte
vmstat thp_collapse_alloc
madvise p b 0 2M collapse
vmstat thp_collapse_alloc
smaps p b
verify p b
verify c b
check
