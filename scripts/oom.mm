# Out of memory. A fault whose order-0 allocation fails after reclaim invokes the OOM killer
# (mm/oom_kill.c: out_of_memory(), select_bad_process(), oom_kill_process()), which kills the
# process with the highest oom_badness() (RSS + swap entries + page-table pages, moved by
# oom_score_adj: part 4), reaps its memory, and the allocation is retried. A THP that cannot be had
# only falls back to base pages (costly orders never invoke the killer). Without swap nothing
# anonymous can be reclaimed. The report goes to the kernel log: dmesg. The maps are larger than
# RAM, which OVERCOMMIT_GUESS refuses (__vm_enough_memory()): overcommit is always allowed here,
# as vm.overcommit_memory=1 does on a kernel (scripts/overcommit.mm).
sysctl vm.overcommit_memory 1
echo 1. the only process with memory is the one faulting: it is killed, its memory freed
boot 64M
spawn hog
mmap hog a 128M
touch hog a 0 128M write
vmstat oom_kill
meminfo
!smaps hog a
dmesg
check
# Memory freed by the kill can be used again.
spawn next
mmap next b 8M
touch next b 0 8M write
verify next b
check
echo "2. the process with the most memory is killed, not the one faulting; its fault completes"
boot 64M
spawn big
mmap big a 40M
touch big a 0 40M write
spawn small
mmap small b 32M
touch small b 0 32M write
vmstat oom_kill
!smaps big a
smaps small b
verify small b
check
echo 3. equal badness: the later process on the task list is killed (oom_evaluate_task)
boot 64M
spawn t1
mmap t1 a 24M
touch t1 a 0 24M write
spawn t2
mmap t2 a 24M
touch t2 a 0 24M write
spawn f
mmap f c 24M
touch f c 0 24M write
vmstat oom_kill
smaps t1 a
!smaps t2 a
verify t1 a
verify f c
check
echo 4. oom_score_adj: -1000 exempts a process, 1000 makes a small one the victim (oom_badness)
boot 64M
spawn big
mmap big a 24M
touch big a 0 24M write
oom_score big
oom_score_adj big -1000
oom_score big
spawn small
oom_score_adj small 1000
mmap small b 4M
touch small b 0 4M write
oom_score small
spawn f
mmap f c 34M
touch f c 0 34M write
vmstat oom_kill
!smaps small b
smaps big a
verify big a
verify f c
dmesg
check
