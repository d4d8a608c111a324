package org.thplab.mm.core.kernel;

import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Vma;

/**
 * Overcommit accounting of one booted machine: vm_committed_as, vm_commit_limit() and
 * __vm_enough_memory() of mm/util.c, under the machine's {@link Sysctl}. Every thplab mapping
 * is private, writable and anonymous without MAP_NORESERVE, so every VMA is VM_ACCOUNT
 * (accountable_mapping() in mm/vma.c) and the count is exact: no per-CPU batches.
 *
 * <p>Simulated processes are not root: cap_sys_admin is 0 for every check, so the admin reserve
 * always applies (security_vm_enough_memory_mm() -> cap_vm_enough_memory() of an ordinary user,
 * as the reservation RFC's test most likely ran).
 */
public final class Overcommit {
    /** cap_sys_admin of every simulated process. */
    public static final boolean CAP_SYS_ADMIN = false;
    private final Sysctl sysctl;
    private final Buddy buddy;
    private final SwapDevice swap;
    /** totalram_pages(): the managed pages, MemTotal (the kernel's first pageblock excluded). */
    public final long totalramPages;
    /** NR_THP_RESERVED: the unused pages of the reservation RFC's reservations (0 without any). */
    private java.util.function.LongSupplier reservedPages = () -> 0;
    /** vm_committed_as, in pages. */
    private long committedAs;

    public Overcommit(Sysctl sysctl, Buddy buddy, SwapDevice swap, long totalramPages) {
        this.sysctl = sysctl;
        this.buddy = buddy;
        this.swap = swap;
        this.totalramPages = totalramPages;
    }

    /** Where NR_THP_RESERVED is read (the machine's reservations). */
    public void setReservedPages(java.util.function.LongSupplier reservedPages) {
        this.reservedPages = reservedPages;
    }

    /** total_swap_pages. */
    public long totalSwapPages() {
        return swap == null ? 0 : swap.nslots;
    }

    /** vm_commit_limit(): overcommit_kbytes, or overcommit_ratio percent of RAM (no hugetlb pages here), plus swap. */
    public long vmCommitLimit() {
        long allowed = sysctl.overcommitKbytes != 0 ? sysctl.overcommitKbytes >> 2
                : totalramPages * sysctl.overcommitRatio / 100;
        return allowed + totalSwapPages();
    }

    /** vm_memory_committed(): percpu_counter_read_positive(&vm_committed_as), in pages. */
    public long committed() {
        return Math.max(0, committedAs);
    }

    /** vm_unacct_memory(): munmap and exit of VM_ACCOUNT VMAs give their pages back. */
    public void unacct(long pages) {
        committedAs -= pages;
    }

    /**
     * __vm_enough_memory(mm, pages, cap_sys_admin): charges {@code pages} to vm_committed_as and
     * keeps the charge when the policy allows it, else takes it back (-ENOMEM).
     *
     * @param totalVm the mm's total_vm in pages (for the user reserve of OVERCOMMIT_NEVER)
     * @return true when the charge stays
     */
    public boolean vmEnoughMemory(long totalVm, long pages) {
        committedAs += pages; // vm_acct_memory()
        if (sysctl.overcommitMemory == Sysctl.OVERCOMMIT_ALWAYS) {
            return true;
        }
        if (sysctl.overcommitMemory == Sysctl.OVERCOMMIT_GUESS) {
            if (sysctl.guessHeuristic.equals(Sysctl.HEURISTIC_419) ? guess419(pages)
                    : pages <= totalramPages + totalSwapPages()) {
                return true;
            }
            committedAs -= pages;
            return false;
        }
        long allowed = vmCommitLimit();
        if (!CAP_SYS_ADMIN) {
            allowed -= sysctl.adminReserveKbytes >> 2; // reserve some for root
        }
        // Don't let a single process grow so big a user can't recover.
        allowed -= Math.min(totalVm / 32, sysctl.userReserveKbytes >> 2);
        if (committed() < allowed) {
            return true;
        }
        committedAs -= pages;
        return false;
    }

    /**
     * OVERCOMMIT_GUESS before commit 8c7829b04c52 ("mm: fix false-positive OVERCOMMIT_GUESS
     * failures", Linux 5.2), as in 4.19's mm/util.c: NR_FREE_PAGES + NR_FILE_PAGES - NR_SHMEM +
     * free swap + NR_SLAB_RECLAIMABLE + NR_KERNEL_MISC_RECLAIMABLE, less totalreserve_pages and,
     * for a non-root caller, the admin reserve, must exceed the request. thplab has no page cache,
     * shmem or slab: those terms are 0. The reservation RFC ("mm: thp: implement THP reservations
     * for anonymous memory", November 2018) adds NR_THP_RESERVED to free in this check (its
     * mm/util.c hunk, "Unused small pages in THP reservations"), as it does to MemAvailable: a
     * 4.19 kernel with reservations is the RFC's, so they count here (0 without reservations).
     */
    private boolean guess419(long pages) {
        long free = buddy.freePages() + (swap == null ? 0 : swap.free()) + reservedPages.getAsLong();
        long reserve = totalreservePages();
        if (free <= reserve) {
            return false;
        }
        free -= reserve;
        if (!CAP_SYS_ADMIN) {
            free -= sysctl.adminReserveKbytes >> 2;
        }
        return free > pages;
    }

    /**
     * calculate_totalreserve_pages() of the one zone: its high watermark (thplab has no
     * lowmem_reserve), at most the zone's managed pages.
     */
    public long totalreservePages() {
        return Math.min(buddy.watermarks.high(), totalramPages);
    }

    /**
     * dup_mmap(): charges each VM_ACCOUNT VMA of {@code oldmm} for the child, one VMA at a time,
     * each checked by __vm_enough_memory() against the parent's mm; at a refusal the charges
     * already taken are given back (what the failed child's exit_mmap() would uncharge).
     *
     * @return 0 when every VMA was charged, else the pages of the VMA refused (the fork fails with ENOMEM)
     */
    public long chargeFork(AddressSpace oldmm) {
        long charged = 0;
        for (Vma v : oldmm.vmas) {
            long pages = (v.end - v.start) >> 12;
            if (!vmEnoughMemory(oldmm.totalVm(), pages)) {
                unacct(charged);
                return pages;
            }
            charged += pages;
        }
        return 0;
    }

    /** Adds a violation when vm_committed_as is not the VM_ACCOUNT pages of the live processes. */
    public void check(java.util.Collection<AddressSpace> live, java.util.List<String> violations) {
        long pages = 0;
        for (AddressSpace mm : live) {
            pages += mm.totalVm();
        }
        if (pages != committedAs) {
            violations.add("Committed_AS is " + committedAs * 4 + " kB, the live processes' VM_ACCOUNT VMAs " + pages * 4 + " kB");
        }
    }

    /** @return why __vm_enough_memory() refused {@code pages} just now: the mode and the figures it compared */
    public String refusal(long pages) {
        String what = "__vm_enough_memory() refused " + pages * 4 + " kB: ";
        if (sysctl.overcommitMemory == Sysctl.OVERCOMMIT_NEVER) {
            return what + "vm.overcommit_memory=2, Committed_AS " + committed() * 4 + " kB, CommitLimit " + vmCommitLimit() * 4
                    + " kB less the admin and user reserves";
        }
        if (sysctl.guessHeuristic.equals(Sysctl.HEURISTIC_419)) {
            return what + "vm.overcommit_memory=0 with the 4.19 heuristic: free memory less the reserves is smaller";
        }
        return what + "vm.overcommit_memory=0: more than RAM + swap, " + (totalramPages + totalSwapPages()) * 4 + " kB";
    }
}
