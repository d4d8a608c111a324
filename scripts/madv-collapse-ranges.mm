# MADV_COLLAPSE's range rules and answers, Linux 6.18: madvise_walk_vmas() (mm/madvise.c) hands
# each VMA's part of the range to madvise_collapse() (mm/khugepaged.c), which rounds it inward
# to whole PMDs (hstart up, hend down), scans and collapses each 2 MiB block and answers
# madvise_collapse_errno() of the last failure. Base pages come from faults with
# enabled=madvise in VMAs without MADV_HUGEPAGE (MADV_COLLAPSE ignores `enabled`).
# Every answer below is what a 6.18 kernel (x86_64) gave for the same layout, in a C program
# with 2 MiB-aligned mappings between PROT_NONE guards (docs/khugepaged.md, "Checked on 6.18").
boot 1G
sysfs enabled madvise
spawn p
echo rounding: kernel EINVAL, 0, 0, 0 with AnonHugePages 2048 kB
mmap p a 4M
touch p a 0 4M write
# [4K, 1M) inside one block: hstart > hend, thps (0) != the unsigned (hend - hstart) >> 21
madvise p a 4K 1020K collapse
# [4K, 2M) and [1M, 3M): hstart == hend, nothing to do
madvise p a 4K 2044K collapse
madvise p a 1M 2M collapse
vmstat thp_collapse_alloc
# [1M, 4M) holds [2M, 4M) whole: that block collapses
madvise p a 1M 3M collapse
smaps p a
verify p a
echo holes: kernel ENOMEM each time, after collapsing what is mapped (4096, 2048, 4096 kB)
mmap p b 6M
touch p b 0 6M write
munmap p b 2M 2M
madvise p b 0 6M collapse
smaps p b
mmap p c 6M
touch p c 0 6M write
munmap p c 2M 2M
madvise p c 2M 2M collapse
madvise p c 2M 4M collapse
smaps p c
mmap p d 6M
touch p d 0 6M write
munmap p d 4M 2M
madvise p d 0 6M collapse
smaps p d
echo a real error wins over ENOMEM: kernel EINVAL (2048 kB collapsed), EINVAL (nothing)
mmap p e 6M
touch p e 0 6M write
munmap p e 2M 2M
madvise p e 4M 2M nohugepage
madvise p e 0 6M collapse
smaps p e
mmap p f 6M
touch p f 0 6M write
munmap p f 2M 2M
madvise p f 0 2M nohugepage
madvise p f 0 6M collapse
smaps p f
echo done without allocation: the huge zero page and a THP, kernel 0 and 0, thp_collapse_alloc +0
sysfs use_zero_page 1
mmap p z 2M
madvise p z 0 2M hugepage
touch p z 0 4K read
vmstat thp_zero_page_alloc
vmstat thp_collapse_alloc
madvise p z 0 2M collapse
mmap p t 2M
madvise p t 0 2M hugepage
touch p t 0 2M write
madvise p t 0 2M collapse
vmstat thp_collapse_alloc
smaps p z
smaps p t
echo "an empty PMD aborts: kernel EINVAL (nothing), EINVAL (2048 kB); no anon_vma: EINVAL"
mmap p g 4M
touch p g 2M 2M write
madvise p g 0 4M collapse
smaps p g
mmap p h 4M
touch p h 0 2M write
madvise p h 0 4M collapse
smaps p h
mmap p i 2M
madvise p i 0 2M collapse
echo one page per block, max_ptes_none=0 (khugepaged's): kernel 0, 4096 kB
sysfs khugepaged/max_ptes_none 0
mmap p j 4M
touch p j 0 4K write
touch p j 2M 4K write
madvise p j 0 4M collapse
smaps p j
verify p j
check
