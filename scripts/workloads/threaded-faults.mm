# threaded-faults (docs/workloads.md): one process, 4 threads on CPUs 1-4 (mmu cpus is raised to
# 5), each writing its 16 MiB of a shared 64 MiB heap in 256 KiB steps with base pages at the
# fault, then loading uniformly over the heap. A fault takes the mmap lock for read
# (do_user_addr_fault()); while another task holds it for write it sleeps until up_write().
# khugepaged's copy collapse (collapse_huge_page()) holds the lock for write through the whole
# 2 MiB copy: about 206 us a collapse, and the threads' faults wait that long. The migration-entry
# promoter (Zi Yan's proposal) takes it for the PMD install only: about 2 us, and the waits shrink
# with it. MADV_COLLAPSE (madvise_collapse()) from the process's own task copies under the lock
# as khugepaged does.
policy use fault base
echo khugepaged's copy collapse
run threaded-faults
echo MADV_COLLAPSE by the process's own task after each 2 MiB the threads complete, khugepaged off
policy disable promotion khugepaged
run threaded-faults promote=madv_collapse
echo migration-entry promotion: the lock held for write for the PMD install only
policy enable promotion migration-entry
run threaded-faults promote=migration-entry
echo the same run without a promoter: no writer, no wait
policy disable promotion migration-entry
run threaded-faults promote=migration-entry rounds=1
policy enable promotion khugepaged
!run threaded-faults threads=3
!run threaded-faults promote=never
