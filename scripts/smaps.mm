# /proc/PID/smaps and smaps_rollup as Linux 6.18 adds them up (smaps_account()): a page mapped
# once is private and counts whole in Pss; after fork each page is mapped twice, shared, half in
# Pss, and the child's entries are old (not Referenced); the huge zero page and the zero page are
# not resident. The figures of the first three smaps were read the same on Linux 6.18.
boot 1G swap=256M seed=1
sysfs enabled madvise
spawn p
mmap p r 8M
madvise p r 0 8M hugepage
# A THP by a write, the huge zero page by a read, a THP by 16 writes.
touch p r 0 4K write
touch p r 2M 4K read
touch p r 4M 64K write
# The last 2 MiB without THPs: a VMA of its own, 8 base pages written, the zero page read.
madvise p r 6M 2M nohugepage
touch p r 6M 32K write
touch p r 6544K 4K read
smaps p r
fork p c
smaps c r
# The child's write to a shared THP splits its PMD and copies one page (cow-pte): 4 kB private.
touch c r 0 4K write
touch c r 6M 4K write
smaps c r
smaps_rollup c
# Pages written to swap, then shared by a fork: SwapPss is half of Swap.
exit c
madvise p r 6M 32K pageout
fork p d
smaps_rollup d
verify p r
verify d r
check
