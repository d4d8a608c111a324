# /proc/PID/status's memory lines (task_mem()). Every status below moved on Linux 6.18 as it does
# here, read by a C program doing the same steps to its own memory: VmHWM and VmPeak keep the
# highest RSS and size; MADV_DONTNEED gives back the PTE tables it empties (PT_RECLAIM), which a
# touch takes again; a THP is charged the page table deposited with it; a forked child's peaks
# start at what it has; a CoW in the child leaves its RSS as it was.
boot 1G swap=256M seed=1
sysfs enabled madvise
spawn p
mmap p heap 64M
status p
madvise p heap 0 64M nohugepage
touch p heap 0 32M write
madvise p heap 32M 32M hugepage
touch p heap 32M 32M write
status p
madvise p heap 0 16M dontneed
touch p heap 0 8M write
munmap p heap 32M 16M
status p
fork p c
touch c heap 16M 8M write
status c
# Reclaim lowers RSS, not the high-water mark; the pages out are VmSwap (no swap on the box: not compared).
madvise p heap 16M 8M pageout
status p
