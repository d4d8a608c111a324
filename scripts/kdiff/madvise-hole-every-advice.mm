# Every advice over a hole (madvise_walk_vmas()): the mapped parts are advised, then ENOMEM.
# DONTNEED zaps around the hole, PAGEOUT (no swap) leaves anonymous pages where they are,
# HUGEPAGE marks both sides (a fault there then maps a THP), NOHUGEPAGE unmarks them.
boot 1G
sysfs enabled madvise
spawn p
mmap p r 8M
touch p r 0 8M
munmap p r 2M 2M
madvise p r 0 8M pageout
smaps p r
madvise p r 0 8M dontneed
smaps p r
madvise p r 0 8M hugepage
touch p r 0 4K
touch p r 6M 4K
smaps p r
madvise p r 0 8M nohugepage
smaps p r
verify p r
vmstat thp_fault_alloc
check
