# khugepaged after fork collapses in each mm on its own (Linux 6.18, mm/khugepaged.c:
# khugepaged_scan_mm_slot() -> hpage_collapse_scan_pmd() per mm_slot). The parent writes 512
# base pages (VM_NOHUGEPAGE at the time), forks; the child rewrites the last N pages (CoW: its
# own, young PTEs; copy_present_pte() made the others old); both set MADV_HUGEPAGE.
# max_ptes_shared=256 (the default).
# N=256: each mm has 256 shared pages, within the limit; the parent's PTEs are all read-only
# (write-protected by fork) but young, which no longer stops a collapse since 6.18. Kernel:
# thp_collapse_alloc +2, pages_collapsed +2, AnonHugePages 2048 kB in both.
# N=255: 257 shared pages on each side. Kernel: no collapse, thp_scan_exceed_share_pte grows in
# each scan of each mm (6 in 3 full scans).
# (Checked on a 6.18 kernel with scan_sleep_millisecs 50 until full_scans had grown by 3;
# docs/khugepaged.md, "Checked on 6.18".)
boot 1G
sysfs enabled madvise
sysfs khugepaged/scan_sleep_millisecs 10
spawn p
echo N=256: expect a collapse in the parent and in the child
mmap p a 2M
madvise p a 0 2M nohugepage
touch p a 0 2M write
fork p c
touch c a 1M 1M write
madvise c a 0 2M hugepage
madvise p a 0 2M hugepage
tick 30ms
vmstat thp_collapse_alloc
vmstat thp_scan_exceed_share_pte
sysfs khugepaged/pages_collapsed
smaps p a
smaps c a
verify p a
verify c a
exit c
munmap p a
echo N=255: expect no collapse, max_ptes_shared exceeded in both mms
mmap p b 2M
madvise p b 0 2M nohugepage
touch p b 0 2M write
fork p d
touch d b 1028K 1020K write
madvise d b 0 2M hugepage
madvise p b 0 2M hugepage
tick 30ms
vmstat thp_collapse_alloc
vmstat thp_scan_exceed_share_pte
smaps p b
smaps d b
verify p b
verify d b
check
