package org.thplab.mm.core.fault;

import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.api.Errno;
import org.thplab.mm.api.LatencyHistogram;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.alloc.Allocator;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.folio.MigrationEntries;
import org.thplab.mm.core.folio.PageTables;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.oom.OomKiller;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.trace.Tracer;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmapLock;
import org.thplab.mm.core.vma.MmSlots;
import org.thplab.mm.core.vma.Region;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.fault.FaultPolicy;

/**
 * A user program touching memory, and the anonymous fault it takes: the loop over pages, then
 * handle_mm_fault() with its PMD-level branch ({@link PmdFaults}) and PTE-level branch
 * ({@link PteFaults}), and pagefault_out_of_memory() when a fault ends in VM_FAULT_OOM.
 */
public final class FaultHandler {
    private static final PolicyGuard.Call<FaultPolicy, FaultHandler> MAPS_BELOW_PMD =
            (p, c) -> c.askBelowPmd = p.mapsBelowPmd(c.vmaOrders);

    private final Clock clock;
    private final PolicyGuard guard;
    private final VmStat stat;
    private final Tracer trace;
    private final Allocator allocator;
    private final PageTables tables;
    private final MmSlots slots;
    private final MigrationEntries migrations;
    private final OomKiller oom;
    private final PteFaults pte;
    private final PmdFaults pmd;
    /** What the page table serves without a fault: the hits of {@link Accesses} and of the fault loop. */
    final PageWalk walk;
    /** Whether the fault policy is asked below a PTE table of the VMA being touched ({@link #asksBelowPmd}). */
    private boolean askBelowPmd;
    /** The allowed orders of the VMA mapsBelowPmd() is asked about. */
    private int vmaOrders;
    /** Fault latencies, recorded while a workload asks for them. */
    private LatencyHistogram latency;
    /** The mmap lock a thread's fault takes for read (set by {@link Accesses}); null: never waited on. */
    MmapLock mmapLock;

    /** This fault has been counted (pgfault) and charged. */
    private boolean faulted;
    /** The fault policy was asked during this fault (it is asked once per fault, as create_huge_pmd() is). */
    private boolean asked;
    /** Set while a fault is retried after the OOM killer ran for it: the same fault, not a new one. */
    private boolean oomRetry;
    /** On that retry the fault policy is not asked again: it had already answered (a THP fell back). */
    private boolean oomRetrySkipsPolicy;

    public FaultHandler(Kernel k, Allocator allocator, PageTables tables, MmSlots slots, MigrationEntries migrations,
            OomKiller oom, PteFaults pte, PmdFaults pmd) {
        this.clock = k.clock();
        this.guard = k.guard();
        this.stat = k.stat();
        this.trace = k.trace();
        this.allocator = allocator;
        this.tables = tables;
        this.slots = slots;
        this.migrations = migrations;
        this.oom = oom;
        this.pte = pte;
        this.pmd = pmd;
        this.walk = new PageWalk(pte);
    }

    /** Starts recording the simulated latency of every fault; returns the histogram. */
    public LatencyHistogram recordLatency() {
        latency = new LatencyHistogram();
        return latency;
    }

    /** Accesses every page of [from, to): the loop of a user program touching memory. */
    public SyscallResult touch(AddressSpace mm, Region r, long from, long to, boolean write) {
        Vma v = null;
        // The PMD table of the GiB being touched: it stays while a VMA covers part of its GiB
        // (and this touch ends if the mm is killed), so it is looked up once per GiB, not per page.
        PmdTable t = null;
        long tableVa = -1;
        long failures = allocator.order0Failures(); // taken again after each OOM kill
        boolean watched = clock.watching(); // a recording starts and ends between operations
        for (long a = from; a < to; a += PAGE_SIZE) {
            if (v == null || a >= v.end || a < v.start) {
                v = mm.find(a);
                if (v == null) {
                    return SyscallResult.fail(Errno.EFAULT, String.format(
                            "%s: address 0x%x (region %s offset %d) is not mapped", mm.name, a, r.name, a - r.start));
                }
                askBelowPmd = asksBelowPmd(v); // the policies and tunables stay for the operation
            }
            var h = latency;
            boolean thread = mm.current != null && mmapLock != null;
            long f0 = 0;
            long t0 = 0;
            if (h != null || thread) {
                f0 = stat.get(VmEvent.PGFAULT);
                t0 = clock.now();
            }
            pmd.policyOutcome = null;
            if (a >>> PageTable.DIR_SHIFT != tableVa) {
                // Ctrl-C in the shell interrupts the thread: the touch stops here, at a GiB
                // boundary past its start (never in a script, nor in a workload's 2 MiB step).
                if (a != from && Thread.currentThread().isInterrupted()) {
                    return SyscallResult.fail(Errno.EINTR, String.format("%s touched region %s up to offset %d of %d, then stopped",
                            mm.name, r.name, a - r.start, to - r.start));
                }
                t = tables.pmdAlloc(mm, a); // null when out of memory: the OOM path below allocates it again
                tableVa = a >>> PageTable.DIR_SHIFT;
            }
            PteTable ptes = t == null ? null : t.pte[PageTable.pmdIndex(a)];
            FaultResult run = FaultResult.DONE;
            if (ptes != null && write && !askBelowPmd && !watched && h == null && !thread && !trace.on(Tracer.FAULT)) {
                // Nothing looks at one fault alone: the empty PTEs from here to the table's end
                // are served in one loop, each as access() would (PteFaults.emptyRun()).
                int n = pte.emptyRun(mm, v, ptes, a, Math.min(Math.min(to, v.end), (a | PMD_SIZE - 1) + 1));
                run = pte.runEnd;
                if (n > 0 && run == FaultResult.DONE) {
                    a += (n - 1) * PAGE_SIZE;
                    continue;
                }
                a += n * PAGE_SIZE; // the entry the run stopped at, whose fault it counted if it failed
            }
            boolean ok = t != null && (run == FaultResult.DONE ? access(mm, v, a, write, t, false)
                    : run == FaultResult.RETRY && access(mm, v, a, write, t, true));
            while (!ok) {
                if (allocator.order0Failures() == failures) {
                    // A policy answered OOM without an allocation failing: the access fails as
                    // the SPI says; only a real shortage invokes the killer.
                    return SyscallResult.fail(Errno.ENOMEM, String.format(
                            "out of memory: a policy failed the fault of %s at 0x%x (region %s offset %d), though no allocation failed",
                            mm.name, a, r.name, a - r.start));
                }
                // An order-0 allocation failed after reclaim: out_of_memory(), then the
                // allocator retries (__alloc_pages_may_oom() made progress) within the same
                // fault: the retry is neither counted nor charged as a fault of its own.
                AddressSpace victim = oom.outOfMemory(mm, allocator.lastOrder0Failure());
                if (victim == null) {
                    return SyscallResult.fail(Errno.ENOMEM, String.format(
                            "out of memory: process %s faulting at 0x%x (region %s offset %d) after reclaim, and no process to kill",
                            mm.name, a, r.name, a - r.start));
                }
                if (victim == mm) {
                    return SyscallResult.fail(Errno.SIGKILL, String.format(
                            "%s was killed by the OOM killer while faulting at 0x%x (region %s offset %d)",
                            mm.name, a, r.name, a - r.start));
                }
                // A policy whose own allocation failed (OOM) retries it, as the allocator would
                // inside the policy's path; one that had fallen back is not asked again.
                failures = allocator.order0Failures();
                oomRetry = true;
                oomRetrySkipsPolicy = pmd.policyOutcome != null && pmd.policyOutcome != FaultOutcome.OOM;
                try {
                    t = t != null ? t : tables.pmdAlloc(mm, a);
                    ok = t != null && access(mm, v, a, write, t, false);
                } finally {
                    oomRetry = false;
                    oomRetrySkipsPolicy = false;
                }
            }
            if (thread && stat.get(VmEvent.PGFAULT) != f0) {
                // do_user_addr_fault()'s mmap_read_lock(), accounted after the fault as if before:
                // the wait moves the thread's clock, and nothing in the fault depends on when it began.
                mmapLock.lockRead(mm, t0);
            }
            if (h != null && stat.get(VmEvent.PGFAULT) != f0) {
                h.record(clock.now() - t0);
            }
            if (watched) {
                clock.observe(); // a recording's instants reached during the touch: between two faults
            }
        }
        return SyscallResult.OK;
    }

    /**
     * One access: a hit, or handle_mm_fault() until the entry serves it; {@code counted}: its
     * fault is counted already. @return false when the fault ended in OOM
     */
    private boolean access(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, boolean counted) {
        faulted = counted;
        asked = oomRetrySkipsPolicy;
        int i = PageTable.pmdIndex(va);
        for (int attempt = 0; attempt < 8; attempt++) {
            PteTable ptes = t.pte[i];
            FaultResult r = ptes == null ? pmdLevel(mm, vma, va, write, t, i) : pteLevel(mm, vma, va, write, t, i, ptes);
            if (r != FaultResult.RETRY) {
                return r == FaultResult.DONE;
            }
        }
        throw new IllegalStateException("fault at 0x" + Long.toHexString(va) + " did not resolve");
    }

    /** __handle_mm_fault() at the PMD: a huge PMD is a hit or a huge write fault; an empty one goes to create_huge_pmd(). */
    private FaultResult pmdLevel(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, int i) {
        long e = t.pmd[i];
        if (e != 0) {
            if (write && !Pte.writable(e)) {
                countFault(va, write);
                return pmd.wpHugePmd(mm, vma, t, i, va, e) ? FaultResult.RETRY : FaultResult.OOM;
            }
            walk.servePmd(t, i, e, vma.region, va, write);
            return FaultResult.DONE;
        }
        countFault(va, write);
        // A fault on an empty PMD where a THP is allowed goes through
        // do_huge_pmd_anonymous_page() in the kernel, which registers the mm with khugepaged
        // whatever it then maps.
        long haddr = va & ~(PMD_SIZE - 1);
        if (!mm.khugepaged && haddr >= vma.start && haddr + PMD_SIZE <= vma.end) {
            slots.enterVma(mm, vma, true);
        }
        if (!asked) {
            asked = true;
            FaultOutcome o = pmd.askFaultPolicy(mm, vma, va, write, t, i);
            if (o == FaultOutcome.OOM) {
                return FaultResult.OOM;
            }
            if (o == FaultOutcome.MAPPED || t.pte[i] != null || t.pmd[i] != 0) {
                return FaultResult.RETRY;
            }
        }
        return tables.allocPteTable(mm, t, i) == null ? FaultResult.OOM : FaultResult.RETRY;
    }

    /** handle_pte_fault(): a hit, or do_anonymous_page(), do_wp_page(), do_swap_page() or a migration entry wait. */
    private FaultResult pteLevel(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, int i, PteTable ptes) {
        int j = PageTable.pteIndex(va);
        long e = ptes.get(j);
        switch (Pte.kind(e)) {
            case Pte.PRESENT -> {
                if (write && !Pte.writable(e)) {
                    countFault(va, write);
                    return pte.doWpPage(mm, vma, ptes, j, va, e);
                }
                walk.servePte(ptes, j, e, vma.region, va, write);
                return FaultResult.DONE;
            }
            case Pte.EMPTY -> {
                return emptyPte(mm, vma, va, write, t, i, ptes, j);
            }
            default -> {
                return otherPte(mm, vma, va, write, t, i, ptes, j, e);
            }
        }
    }

    /** do_anonymous_page(): the zero page for a read, a new zeroed page for a write, unless the fault policy maps it. */
    private FaultResult emptyPte(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, int i, PteTable ptes, int j) {
        countFault(va, write);
        // Not asked here when it maps only on an empty PMD (create_huge_pmd()'s pmd_none()).
        FaultResult asked = askBelowPmd ? askPolicy(mm, vma, va, write, t, i, ptes, j, Pte.NONE) : null;
        if (asked != null) {
            return asked;
        }
        if (!write) {
            ptes.set(j, Pte.make(Pte.ZERO, 0, pte.zeroPfn()));
            return FaultResult.DONE;
        }
        return pte.newPage(mm, vma, ptes, j, va, Pte.NONE);
    }

    /** The zero page, a migration entry, a swap entry. */
    private FaultResult otherPte(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, int i, PteTable ptes,
            int j, long e) {
        switch (Pte.kind(e)) {
            case Pte.ZERO -> {
                if (!write) {
                    return FaultResult.DONE;
                }
                countFault(va, write);
                // A write to the zero page: the fault policy may map from a reservation
                // (reserving on the first write rather than the first read).
                FaultResult asked = askBelowPmd ? askPolicy(mm, vma, va, true, t, i, ptes, j, e) : null;
                return asked != null ? asked : pte.newPage(mm, vma, ptes, j, va, e);
            }
            case Pte.MIGRATION -> {
                countFault(va, write);
                migrations.waitFor(mm, va); // migration_entry_wait()
                return FaultResult.RETRY;
            }
            case Pte.SWAP -> {
                countFault(va, write);
                FaultResult r = pte.doSwapPage(mm, vma, ptes, j, va, e, write);
                return r == FaultResult.OOM ? r : FaultResult.RETRY;
            }
            default -> throw new IllegalStateException("PTE kind " + Pte.kind(e) + " at 0x" + Long.toHexString(va));
        }
    }

    /**
     * Asks the fault policy about an empty or zero PTE, once per fault. @return what the access
     * loop does next, or null when the base-page path serves the fault
     */
    private FaultResult askPolicy(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, int i, PteTable ptes,
            int j, long expect) {
        if (asked) {
            return null;
        }
        asked = true;
        FaultOutcome o = pmd.askFaultPolicy(mm, vma, va, write, t, i);
        if (o == FaultOutcome.OOM) {
            return FaultResult.OOM;
        }
        if (o == FaultOutcome.MAPPED || ptes.get(j) != expect) {
            return FaultResult.RETRY;
        }
        return null;
    }

    /**
     * Whether the fault policy is asked at faults below a PTE table of {@code vma}: not when it
     * is pmdNoneOnly(), nor when its mapsBelowPmd() finds nothing to map there with the VMA's
     * allowed orders (alloc_anon_folio()'s early fallback); a policy that cannot tell is asked.
     */
    private boolean asksBelowPmd(Vma vma) {
        FaultPolicy p = guard.policies().fault();
        if (!guard.policies().faultBelowPmd() || !guard.usable(p)) {
            return false; // not usable: create_huge_pmd()'s question goes to no one
        }
        askBelowPmd = true;
        vmaOrders = pmd.allowableOrders(vma);
        guard.call(p, "mapsBelowPmd", this, MAPS_BELOW_PMD);
        return askBelowPmd;
    }

    /** Counts and charges the fault once, however often its loop looks at the entry. */
    private void countFault(long va, boolean write) {
        if (faulted) {
            return;
        }
        faulted = true;
        if (oomRetry) {
            return; // the same fault, retried after the OOM kill: counted and charged once
        }
        pte.chargeFault();
        if (trace.on(Tracer.FAULT)) {
            tracePageFault(va, write);
        }
    }

    /**
     * exceptions:page_fault_user with x86's error code: user mode (4), a write (2); the
     * protection bit (1) of a fault on a present page is not told apart here.
     */
    private void tracePageFault(long va, boolean write) {
        trace.emit(Tracer.FAULT, "page_fault_user", String.format("address=0x%x ip=0x0 error_code=0x%x", va, write ? 6 : 4));
    }
}
