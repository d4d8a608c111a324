# A write fault on the huge zero page, Linux 6.18 (cow-pte): do_huge_pmd_wp_page() hands it to
# do_huge_zero_wp_pmd() (since 6.13), which allocates a PMD-sized folio with the gfp of a THP
# fault (vma_alloc_anon_folio_pmd()), zeroes it and maps it in place of the zero PMD
# (map_anon_folio_pmd(): thp_fault_alloc). No PMD is split.
# Recorded on Linux 6.18 x86_64 (2 MiB-aligned MADV_HUGEPAGE region, read fault, then a write to
# its fourth page): thp_fault_alloc +1, thp_split_pmd +0, Rss 2048 kB, AnonHugePages 2048 kB.
boot 64M
sysfs enabled always
sysfs defrag never
spawn p
mmap p z 2M
touch p z 0 2M read
smaps p z
touch p z 12K 4K write
smaps p z
vmstat thp_fault
vmstat thp_split_pmd
verify p z
# Only when that allocation fails (vma_alloc_anon_folio_pmd(): thp_fault_fallback) does
# do_huge_pmd_wp_page() fall back as 5.8-6.12 always did: __split_huge_pmd() turns the zero PMD
# into 512 zero-page PTEs (thp_split_pmd) and do_wp_page() copies one 4 KiB page. Memory is
# filled with base pages here until no 2 MiB block is free above the min watermark; defrag=never
# allows no compaction, so the THP cannot be had. (The failure could not be provoked on the 6.18
# VM: its 23 GiB were free; these figures follow the source.)
mmap p y 2M
touch p y 0 2M read
mmap p f 60M
madvise p f 0 60M nohugepage
touch p f 0 53M write
touch p y 12K 4K write
smaps p y
vmstat thp_fault
vmstat thp_split_pmd
verify p y
verify p z
check
