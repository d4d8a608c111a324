# Huge-page-aware placement (alloc-antifrag) against the buddy's (__rmqueue_smallest()) after a
# fragmenting sequence, on 16 pageblocks (the first page table claims two for Unmovable). Process a
# writes 4 MiB of base pages, which fill two pageblocks P0 and P1 (one order-10 block, carved in
# address order). Every other 64 KiB of P0 is freed: 16 order-4 holes, 256 free pages; in P1 one
# 512 KiB range: one order-7 hole, 128 free pages. Then c writes 512 KiB (128 pages) and a unmaps
# P0's 2 MiB, its data there gone.
# buddy takes the smallest free blocks first: c's pages fill 8 of P0's order-4 holes (the last
# freed, its upper half: the lists are LIFO), and after the unmap P0 is an order-8 block and 8
# order-4 blocks around c's pages. antifrag takes from the fullest pageblock that has room: P1,
# 128 free against P0's 256, which c fills exactly, so P0 comes back whole: Movable order 9 goes
# from 1 to 2, and no fragment is left below it.
sysfs enabled never
policy use allocation buddy
boot 32M
spawn a
mmap a x 4M
touch a x 0 4M write
pagetypeinfo
madvise a x 64K 64K dontneed
madvise a x 192K 64K dontneed
madvise a x 320K 64K dontneed
madvise a x 448K 64K dontneed
madvise a x 576K 64K dontneed
madvise a x 704K 64K dontneed
madvise a x 832K 64K dontneed
madvise a x 960K 64K dontneed
madvise a x 1088K 64K dontneed
madvise a x 1216K 64K dontneed
madvise a x 1344K 64K dontneed
madvise a x 1472K 64K dontneed
madvise a x 1600K 64K dontneed
madvise a x 1728K 64K dontneed
madvise a x 1856K 64K dontneed
madvise a x 1984K 64K dontneed
madvise a x 3M 512K dontneed
pagetypeinfo
spawn c
mmap c y 512K
touch c y 0 512K write
pagetypeinfo
munmap a x 0 2M
pagetypeinfo
check
policy use allocation antifrag
boot 32M
spawn a
mmap a x 4M
touch a x 0 4M write
pagetypeinfo
madvise a x 64K 64K dontneed
madvise a x 192K 64K dontneed
madvise a x 320K 64K dontneed
madvise a x 448K 64K dontneed
madvise a x 576K 64K dontneed
madvise a x 704K 64K dontneed
madvise a x 832K 64K dontneed
madvise a x 960K 64K dontneed
madvise a x 1088K 64K dontneed
madvise a x 1216K 64K dontneed
madvise a x 1344K 64K dontneed
madvise a x 1472K 64K dontneed
madvise a x 1600K 64K dontneed
madvise a x 1728K 64K dontneed
madvise a x 1856K 64K dontneed
madvise a x 1984K 64K dontneed
madvise a x 3M 512K dontneed
pagetypeinfo
spawn c
mmap c y 512K
touch c y 0 512K write
pagetypeinfo
munmap a x 0 2M
pagetypeinfo
check
