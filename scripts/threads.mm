# Threads of one process (clone with CLONE_VM | CLONE_THREAD; docs/model.md): each on a CPU of its
# own and with its own clock. t1 faults 2 MiB; the process's own task then collapses it with
# MADV_COLLAPSE, holding the mmap lock for write through the copy (madvise_collapse()). t2, whose
# clock is still at its clone, faults 4 MiB meanwhile: the fault whose time falls in the write
# hold sleeps in mmap_read_lock() until mmap_write_unlock(). After a tick every thread is past the
# hold. munmap flushes the TLB of every CPU in mm_cpumask: the process's and its threads'.
mmu cpus 3
policy use fault base
policy disable promotion khugepaged
boot 256M seed=1
spawn p
mmap p heap 8M
clone p t1
clone p t2
!clone p t1
touch p/t1 heap 0 2M write
madvise p heap 0 2M collapse
touch p/t2 heap 4M 4M write
report p
perf stat p/t2
tick 1ms
madvise p heap 4M 2M collapse
tick 1ms
touch p/t1 heap 2M 2M write
perf stat p/t1
stat
munmap p heap 6M 2M
stat
!touch p/t3 heap 0 4K write
smaps p heap
check
policy enable promotion khugepaged
mmu cpus 1
