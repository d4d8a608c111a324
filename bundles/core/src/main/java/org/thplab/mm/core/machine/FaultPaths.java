package org.thplab.mm.core.machine;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.api.Errno;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Region;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.AllocPurpose;
import org.thplab.mm.spi.AnonFault;
import org.thplab.mm.spi.CowPolicy;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.FaultPolicy;
import org.thplab.mm.spi.HugeWriteFault;
import org.thplab.mm.spi.PromotionPolicy;

/**
 * The anonymous fault paths of mm/memory.c and mm/huge_memory.c: handle_mm_fault() with its
 * PMD-level branch (the {@link FaultPolicy} for an empty PMD, wp_huge_pmd() and the
 * {@link CowPolicy} for a write to a shared or zero huge PMD) and PTE-level branch
 * (do_anonymous_page(), do_wp_page(), do_swap_page()).
 *
 * <p>This class is also the mechanism object handed to the policies ({@link AnonFault},
 * {@link HugeWriteFault}); one instance is reused for every fault, so the hot path allocates no
 * objects.
 */
final class FaultPaths implements AnonFault, HugeWriteFault {
    private final Machine m;
    private final Frames f;

    /** Set while a fault is retried after the OOM killer ran for it: the same fault, not a new one. */
    private boolean oomRetry;
    /** On that retry the fault policy is not asked again: it had already answered (a THP fell back). */
    private boolean oomRetrySkipsPolicy;
    /** The fault policy's answer during the current access, or null when it was not asked. */
    private FaultOutcome policyOutcome;

    // The fault being handled (valid during a policy call).
    private AddressSpace mm;
    private Vma vma;
    private long va;
    private boolean write;
    private PmdTable t;
    private int slot;

    FaultPaths(Machine m) {
        this.m = m;
        this.f = m.f;
    }

    /** Accesses every page of [from, to): the loop of a user program touching memory. */
    SyscallResult touch(AddressSpace mm, Region r, long from, long to, boolean write) {
        Vma v = null;
        long failures = m.allocator.order0Failures; // taken again after each OOM kill
        for (long a = from; a < to; a += PAGE_SIZE) {
            if (v == null || a >= v.end || a < v.start) {
                v = mm.find(a);
                if (v == null) {
                    return SyscallResult.fail(Errno.EFAULT, String.format(
                            "%s: address 0x%x (region %s offset %d) is not mapped", mm.name, a, r.name, a - r.start));
                }
            }
            boolean ok;
            var h = m.latency;
            long f0 = 0;
            long t0 = 0;
            if (h != null) {
                f0 = m.stat.get(VmEvent.PGFAULT);
                t0 = m.clock.now();
            }
            policyOutcome = null;
            ok = access(mm, v, a, write);
            while (!ok) {
                if (m.allocator.order0Failures == failures) {
                    // A policy answered OOM without an allocation failing: the access fails as
                    // the SPI says; only a real shortage invokes the killer.
                    return SyscallResult.fail(Errno.ENOMEM, String.format(
                            "out of memory: a policy failed the fault of %s at 0x%x (region %s offset %d), though no allocation failed",
                            mm.name, a, r.name, a - r.start));
                }
                // An order-0 allocation failed after reclaim: out_of_memory(), then the
                // allocator retries (__alloc_pages_may_oom() made progress) within the same
                // fault: the retry is neither counted nor charged as a fault of its own.
                AddressSpace victim = m.oom.outOfMemory(mm, m.allocator.lastOrder0Failure);
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
                failures = m.allocator.order0Failures;
                oomRetry = true;
                oomRetrySkipsPolicy = policyOutcome != null && policyOutcome != FaultOutcome.OOM;
                try {
                    ok = access(mm, v, a, write);
                } finally {
                    oomRetry = false;
                    oomRetrySkipsPolicy = false;
                }
            }
            if (h != null && m.stat.get(VmEvent.PGFAULT) != f0) {
                h.record(m.clock.now() - t0);
            }
        }
        return SyscallResult.OK;
    }

    /** One access; faults as needed. @return false when the fault ended in OOM */
    private boolean access(AddressSpace mm, Vma vma, long va, boolean write) {
        boolean faulted = false;
        boolean asked = oomRetrySkipsPolicy; // the fault policy is asked once per fault, as create_huge_pmd() is
        PmdTable t = mm.pt.get(va);
        int i = PageTable.pmdIndex(va);
        int j = PageTable.pteIndex(va);
        for (int attempt = 0; attempt < 8; attempt++) {
            PteTable ptes = t.pte[i];
            if (ptes == null) {
                long pmd = t.pmd[i];
                if (pmd != 0) {
                    if (write && !Pte.writable(pmd)) {
                        if (!faulted) {
                            faulted = countFault();
                        }
                        if (!wpHugePmd(mm, vma, t, i, va, pmd)) {
                            return false;
                        }
                        continue;
                    }
                    t.pmd[i] = pmd | Pte.YOUNG | (write ? Pte.DIRTY : 0);
                    if (write) {
                        store(vma, va, Pte.pfn(pmd) + j);
                    }
                    return true;
                }
                if (!faulted) {
                    faulted = countFault();
                }
                // A fault on an empty PMD where a THP is allowed goes through
                // do_huge_pmd_anonymous_page() in the kernel, which registers the mm with
                // khugepaged whatever it then maps.
                if (!mm.khugepaged && (va & ~(PMD_SIZE - 1)) >= vma.start
                        && (va & ~(PMD_SIZE - 1)) + PMD_SIZE <= vma.end) {
                    m.promotion.enterVma(mm, vma, true);
                }
                if (!asked) {
                    FaultOutcome o = callFaultPolicy(mm, vma, va, write, t, i);
                    asked = true;
                    if (o == FaultOutcome.OOM) {
                        return false;
                    }
                    if (o == FaultOutcome.MAPPED || t.pte[i] != null || t.pmd[i] != 0) {
                        continue;
                    }
                }
                if (m.folios.allocPteTable(mm, t, i) == null) {
                    return false;
                }
                continue;
            }
            long e = ptes.get(j);
            switch (Pte.kind(e)) {
                case Pte.PRESENT -> {
                    if (write && !Pte.writable(e)) {
                        if (!faulted) {
                            faulted = countFault();
                        }
                        int r = doWpPage(mm, vma, ptes, j, va, e);
                        if (r < 0) {
                            return false;
                        }
                        if (r == 0) {
                            continue;
                        }
                        return true;
                    }
                    ptes.set(j, e | Pte.YOUNG | (write ? Pte.DIRTY : 0));
                    if (write) {
                        store(vma, va, Pte.pfn(e));
                    }
                    return true;
                }
                case Pte.ZERO -> {
                    if (!write) {
                        return true;
                    }
                    if (!faulted) {
                        faulted = countFault();
                    }
                    if (!asked) {
                        // A write to the zero page: the fault policy may map from a reservation
                        // (reserving on the first write rather than the first read).
                        FaultOutcome o = callFaultPolicy(mm, vma, va, true, t, i);
                        asked = true;
                        if (o == FaultOutcome.OOM) {
                            return false;
                        }
                        if (o == FaultOutcome.MAPPED || ptes.get(j) != e) {
                            continue;
                        }
                    }
                    int r = newPage(mm, vma, ptes, j, va, e);
                    if (r < 0) {
                        return false;
                    }
                    if (r == 0) {
                        continue;
                    }
                    return true;
                }
                case Pte.MIGRATION -> {
                    if (!faulted) {
                        faulted = countFault();
                    }
                    m.migrations.waitFor(mm, va); // migration_entry_wait()
                    continue;
                }
                case Pte.SWAP -> {
                    if (!faulted) {
                        faulted = countFault();
                    }
                    int r = doSwapPage(mm, vma, ptes, j, va, e, write);
                    if (r < 0) {
                        return false;
                    }
                    continue;
                }
                default -> {
                    if (!faulted) {
                        faulted = countFault();
                    }
                    if (!asked) {
                        FaultOutcome o = callFaultPolicy(mm, vma, va, write, t, i);
                        asked = true;
                        if (o == FaultOutcome.OOM) {
                            return false;
                        }
                        if (o == FaultOutcome.MAPPED || ptes.get(j) != Pte.NONE) {
                            continue;
                        }
                    }
                    // do_anonymous_page(): the zero page for a read, a new zeroed page for a write.
                    if (!write) {
                        ptes.set(j, Pte.make(Pte.ZERO, 0, m.zeroPfn));
                        return true;
                    }
                    int r = newPage(mm, vma, ptes, j, va, Pte.NONE);
                    if (r < 0) {
                        return false;
                    }
                    if (r == 0) {
                        continue;
                    }
                    return true;
                }
            }
        }
        throw new IllegalStateException("fault at 0x" + Long.toHexString(va) + " did not resolve");
    }

    private boolean countFault() {
        if (oomRetry) {
            return true; // the same fault, retried after the OOM kill: counted and charged once
        }
        m.stat.count(VmEvent.PGFAULT);
        m.clock.charge(CostModel.FAULT);
        return true;
    }

    private void store(Vma vma, long va, int pfn) {
        int tok = m.nextToken();
        f.content[pfn] = tok;
        vma.region.wrote(va, tok);
    }

    private FaultOutcome callFaultPolicy(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, int i) {
        FaultOutcome o = askFaultPolicy(mm, vma, va, write, t, i);
        policyOutcome = o;
        return o;
    }

    private FaultOutcome askFaultPolicy(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, int i) {
        FaultPolicy p = m.policies.fault();
        if (!m.usable(p)) {
            return FaultOutcome.FALLBACK;
        }
        set(mm, vma, va, write, t, i);
        m.enterPolicy();
        try {
            FaultOutcome o = p.fault(this);
            if (o == null) {
                m.policyFailed(p, "fault: returned no outcome");
                return FaultOutcome.FALLBACK;
            }
            return o;
        } catch (RuntimeException | StackOverflowError e) {
            // Whatever the mechanisms it called did stands (each keeps the invariants); the
            // access loop looks at the entry again and the base-page path serves it.
            m.policyFailed(p, "fault", e);
            return FaultOutcome.FALLBACK;
        } finally {
            m.exitPolicy();
        }
    }

    private void set(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, int i) {
        this.mm = mm;
        this.vma = vma;
        this.va = va;
        this.write = write;
        this.t = t;
        this.slot = i;
    }

    private static final int OOM = -1;
    private static final int RETRY = -2;

    /**
     * Allocates a base page for the PTE at {@code j} and makes it an anonymous folio mapped
     * once: its frame, or OOM, or RETRY when the PTE changed while the allocation reclaimed
     * (the kernel's pte_same() check after retaking the lock).
     */
    private int allocMappedPage(AddressSpace mm, Vma vma, PteTable ptes, int j, long va, long expect) {
        vma.anonVma = true; // anon_vma_prepare() in do_anonymous_page(), wp_page_copy()
        int p = m.allocator.alloc(0, AllocPurpose.FAULT_BASE, vma.hugepage());
        if (p < 0) {
            return OOM;
        }
        if (ptes.get(j) != expect) {
            m.folios.freeUnused(p, 0);
            return RETRY;
        }
        m.folios.initAnon(p, 0, mm.family.id, (int) (va >>> 12));
        m.folios.addPteRmap(p);
        return p;
    }

    /** Maps outcome codes of {@link #allocMappedPage} to the access loop's: -1 OOM, 0 retry. */
    private static int failed(int code) {
        return code == OOM ? -1 : 0;
    }

    /**
     * A new private page at PTE {@code j} (do_anonymous_page for a write, wp_page_copy from the
     * zero page): 1 = mapped, 0 = the PTE changed meanwhile (retry), -1 = out of memory.
     */
    private int newPage(AddressSpace mm, Vma vma, PteTable ptes, int j, long va, long expect) {
        int p = allocMappedPage(mm, vma, ptes, j, va, expect);
        if (p < 0) {
            return failed(p);
        }
        m.clock.charge(CostModel.ZERO_4K);
        ptes.set(j, Pte.make(Pte.PRESENT, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, p));
        mm.rssAnon++;
        store(vma, va, p);
        return 1;
    }

    /**
     * do_wp_page(): reuse the page when it is exclusive (PageAnonExclusive, or a small folio
     * whose only reference is this PTE, wp_can_reuse_anon_folio()); otherwise copy 4 KiB.
     * 1 = done, 0 = retry, -1 = out of memory.
     */
    private int doWpPage(AddressSpace mm, Vma vma, PteTable ptes, int j, long va, long e) {
        int p = Pte.pfn(e);
        int h = f.head(p);
        if (Pte.exclusive(e) || (f.order[h] == 0 && f.ref[h] == 1)) {
            ptes.set(j, e | Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE);
            store(vma, va, p);
            return 1;
        }
        int np = allocMappedPage(mm, vma, ptes, j, va, e);
        if (np < 0) {
            return failed(np);
        }
        m.clock.charge(CostModel.COPY_4K + CostModel.TLB_FLUSH);
        f.content[np] = f.content[p];
        ptes.set(j, Pte.make(Pte.PRESENT, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, np));
        var res = m.reservations.byBlock[p >> Frames.HPAGE_PMD_ORDER];
        m.folios.removePteRmap(p);
        FaultPolicy fp = m.policies.fault();
        if (res != null && res.mm == mm && fp != null && fp.releaseReservationOnCow()) {
            m.reservations.release(res); // the RFC as posted: the owner's CoW drops its reservation
        }
        store(vma, va, np);
        return 1;
    }

    /** do_swap_page() for __collapse_huge_page_swapin(): a read fault on the swap PTE at {@code j}. */
    int swapIn(AddressSpace mm, Vma vma, PteTable ptes, int j, long va, long e) {
        return doSwapPage(mm, vma, ptes, j, va, e, false);
    }

    /** do_swap_page(): read the page back into a new base page. 1 = mapped, 0 = retry, -1 = OOM. */
    private int doSwapPage(AddressSpace mm, Vma vma, PteTable ptes, int j, long va, long e, boolean write) {
        int np = allocMappedPage(mm, vma, ptes, j, va, e);
        if (np < 0) {
            return failed(np);
        }
        m.stat.count(VmEvent.PGMAJFAULT); // as do_swap_page(), once it has the folio
        int slot = Pte.pfn(e);
        m.stat.count(VmEvent.PSWPIN);
        m.clock.charge(CostModel.SWAP_IN_4K);
        f.content[np] = m.swap.content[slot];
        // The page is exclusive when this was the slot's last reference (thplab keeps no swap
        // cache: a slot shared after fork is read into a private page by each process).
        boolean exclusive = m.swap.count[slot] == 1;
        m.swap.put(slot);
        mm.swapEntries--;
        long flags = Pte.YOUNG | (exclusive ? Pte.EXCLUSIVE | (write ? Pte.WRITE | Pte.DIRTY : 0) : 0);
        ptes.set(j, Pte.make(Pte.PRESENT, flags, np));
        mm.rssAnon++;
        return 1;
    }

    /**
     * wp_huge_pmd() / do_huge_pmd_wp_page(): reuse an exclusive THP, else hand the fault to the
     * CoW policy. @return false on OOM
     */
    private boolean wpHugePmd(AddressSpace mm, Vma vma, PmdTable t, int i, long va, long pmd) {
        if (Pte.kind(pmd) == Pte.HUGE) {
            int h = Pte.pfn(pmd);
            if (Pte.exclusive(pmd) || f.ref[h] == 1) {
                t.pmd[i] = pmd | Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE;
                return true;
            }
        }
        set(mm, vma, va, true, t, i);
        CowPolicy p = m.policies.cow();
        FaultOutcome o;
        if (!m.usable(p)) {
            o = fallbackCow();
        } else {
            m.enterPolicy();
            try {
                o = p.hugeWriteFault(this);
                if (o == null) {
                    m.policyFailed(p, "hugeWriteFault: returned no outcome");
                    o = FaultOutcome.FALLBACK;
                }
            } catch (RuntimeException | StackOverflowError e) {
                m.policyFailed(p, "hugeWriteFault", e);
                o = FaultOutcome.FALLBACK;
            } finally {
                m.exitPolicy();
            }
        }
        if (o == FaultOutcome.OOM) {
            return false;
        }
        if (o == FaultOutcome.FALLBACK && t.pte[i] == null && t.pmd[i] == pmd) {
            // The contract says FALLBACK comes after a split; make sure of it.
            splitPmd();
        }
        return true;
    }

    private FaultOutcome fallbackCow() {
        splitPmd();
        return FaultOutcome.FALLBACK;
    }

    // ----------------------------------------------------------------------------------------
    // AnonFault and HugeWriteFault: the mechanisms offered to policies.

    @Override
    public Tunables tunables() {
        return m.tunables;
    }

    @Override
    public long address() {
        return va;
    }

    @Override
    public boolean write() {
        return write;
    }

    @Override
    public boolean pmdNone() {
        return t.pte[slot] == null && t.pmd[slot] == 0;
    }

    @Override
    public boolean hugeSuitable() {
        long haddr = va & ~(PMD_SIZE - 1);
        return haddr >= vma.start && haddr + PMD_SIZE <= vma.end;
    }

    @Override
    public boolean vmHugepage() {
        return vma.hugepage();
    }

    @Override
    public boolean vmNoHugepage() {
        return vma.nohugepage();
    }

    @Override
    public boolean hugeZeroPage() {
        return Pte.kind(t.pmd[slot]) == Pte.HUGE_ZERO;
    }

    private void requireEmptySuitablePmd(String what) {
        if (!pmdNone() || !hugeSuitable()) {
            throw new IllegalStateException(what + ": the PMD is not empty or the range does not fit the VMA");
        }
    }

    @Override
    public FaultOutcome mapHugeZeroPage() {
        m.checkBudget();
        requireEmptySuitablePmd("mapHugeZeroPage");
        vma.anonVma = true; // do_huge_pmd_anonymous_page(): anon_vma_prepare() comes first
        m.promotion.enterVma(mm, vma);
        if (m.hugeZeroPfn < 0) {
            // get_huge_zero_page(): GFP_TRANSHUGE without __GFP_MOVABLE, zeroed.
            int hz = m.allocator.alloc(HPAGE_PMD_ORDER, AllocPurpose.KERNEL, false);
            if (hz < 0) {
                m.stat.count(VmEvent.THP_ZERO_PAGE_ALLOC_FAILED);
                m.stat.count(VmEvent.THP_FAULT_FALLBACK);
                return FaultOutcome.FALLBACK;
            }
            for (int k = 0; k < HPAGE_PMD_NR; k++) {
                f.type[hz + k] = k == 0 ? Frames.HZERO : Frames.HZERO_TAIL;
                f.order[hz + k] = HPAGE_PMD_ORDER;
            }
            m.clock.charge(CostModel.ZERO_2M);
            m.stat.count(VmEvent.THP_ZERO_PAGE_ALLOC);
            m.hugeZeroPfn = hz;
        }
        int table = m.folios.allocPgtableFrame(mm);
        if (table < 0) {
            return FaultOutcome.OOM;
        }
        t.pmd[slot] = Pte.make(Pte.HUGE_ZERO, Pte.YOUNG, m.hugeZeroPfn);
        t.tableFrame[slot] = table;
        t.used++;
        m.hugeZeroUsers++;
        return FaultOutcome.MAPPED;
    }

    @Override
    public FaultOutcome mapNewHugePage() {
        m.checkBudget();
        requireEmptySuitablePmd("mapNewHugePage");
        // do_huge_pmd_anonymous_page() prepares the anon_vma, registers the mm with khugepaged.
        vma.anonVma = true;
        m.promotion.enterVma(mm, vma);
        int h = m.allocator.alloc(HPAGE_PMD_ORDER, AllocPurpose.FAULT_THP, vma.hugepage());
        if (h < 0) {
            m.stat.count(VmEvent.THP_FAULT_FALLBACK);
            return FaultOutcome.FALLBACK;
        }
        if (!pmdNone()) {
            m.folios.freeUnused(h, HPAGE_PMD_ORDER);
            return FaultOutcome.MAPPED;
        }
        int table = m.folios.allocPgtableFrame(mm);
        if (table < 0) {
            m.folios.freeUnused(h, HPAGE_PMD_ORDER);
            return FaultOutcome.OOM;
        }
        long haddr = va & ~(PMD_SIZE - 1);
        m.clock.charge(CostModel.ZERO_2M);
        m.folios.initAnon(h, HPAGE_PMD_ORDER, mm.family.id, (int) (haddr >>> 12));
        m.folios.addPmdRmap(h);
        // maybe_pmd_mkwrite(pmd_mkdirty()): writable even on a read fault.
        t.pmd[slot] = Pte.make(Pte.HUGE, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, h);
        t.tableFrame[slot] = table;
        t.used++;
        mm.rssAnon += HPAGE_PMD_NR;
        m.stat.count(VmEvent.THP_FAULT_ALLOC);
        return FaultOutcome.MAPPED;
    }

    @Override
    public FaultOutcome copyHugePage() {
        m.checkBudget();
        long pmd = t.pmd[slot];
        if (t.pte[slot] != null || pmd == 0) {
            throw new IllegalStateException("copyHugePage: no huge PMD to copy");
        }
        int nh = m.allocator.alloc(HPAGE_PMD_ORDER, AllocPurpose.COW_THP, vma.hugepage());
        if (nh < 0) {
            m.stat.count(VmEvent.THP_FAULT_FALLBACK);
            return FaultOutcome.FALLBACK;
        }
        if (t.pte[slot] != null || t.pmd[slot] != pmd) {
            m.folios.freeUnused(nh, HPAGE_PMD_ORDER);
            return FaultOutcome.MAPPED; // changed under us: retry the access
        }
        long haddr = va & ~(PMD_SIZE - 1);
        boolean zero = Pte.kind(pmd) == Pte.HUGE_ZERO;
        m.folios.initAnon(nh, HPAGE_PMD_ORDER, mm.family.id, (int) (haddr >>> 12));
        if (zero) {
            m.clock.charge(CostModel.ZERO_2M);
        } else {
            System.arraycopy(f.content, Pte.pfn(pmd), f.content, nh, HPAGE_PMD_NR);
            m.clock.charge(CostModel.COPY_2M);
        }
        m.folios.addPmdRmap(nh);
        t.pmd[slot] = Pte.make(Pte.HUGE, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, nh);
        if (zero) {
            m.hugeZeroUsers--;
            mm.rssAnon += HPAGE_PMD_NR;
        } else {
            m.folios.removePmdRmap(Pte.pfn(pmd));
        }
        m.clock.charge(CostModel.TLB_FLUSH);
        m.stat.count(VmEvent.THP_FAULT_ALLOC);
        return FaultOutcome.MAPPED;
    }

    @Override
    public boolean reserved() {
        return m.reservations.at(mm, va) != null;
    }

    @Override
    public int reservationUsed() {
        var r = m.reservations.at(mm, va);
        return r == null ? 0 : r.used;
    }

    @Override
    public FaultOutcome mapFromReservation() {
        m.checkBudget();
        var r = m.reservations.at(mm, va);
        int k = PageTable.pteIndex(va);
        if (r == null || r.isMapped(k)) {
            return FaultOutcome.FALLBACK;
        }
        PteTable ptes = t.pte[slot];
        if (ptes == null) {
            if (t.pmd[slot] != 0) {
                return FaultOutcome.FALLBACK;
            }
            ptes = m.folios.allocPteTable(mm, t, slot);
            if (ptes == null) {
                return FaultOutcome.OOM;
            }
        }
        long e = ptes.get(k);
        if (Pte.kind(e) != Pte.EMPTY && Pte.kind(e) != Pte.ZERO) {
            return FaultOutcome.FALLBACK;
        }
        vma.anonVma = true;
        int p = m.reservations.take(r, k);
        m.folios.initAnon(p, 0, mm.family.id, (int) (va >>> 12));
        m.folios.addPteRmap(p);
        ptes.set(k, Pte.make(Pte.PRESENT, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, p));
        mm.rssAnon++;
        int used = r.used;
        long haddr = r.haddr;
        for (PromotionPolicy pr : m.policies.promoters()) {
            if (!m.usable(pr)) {
                continue;
            }
            m.enterPolicy();
            try {
                pr.reservationFaulted(m.promotion, mm.id, haddr, used);
            } catch (RuntimeException | StackOverflowError ex) {
                m.policyFailed(pr, "reservationFaulted", ex);
            } finally {
                m.exitPolicy();
                m.promotion.cleanupAfter(pr);
            }
        }
        return FaultOutcome.MAPPED;
    }

    @Override
    public FaultOutcome reserveAndMap() {
        m.checkBudget();
        if (!hugeSuitable() || m.reservations.at(mm, va) != null || (t.pte[slot] == null && t.pmd[slot] != 0)) {
            throw new IllegalStateException("reserveAndMap: the range is not suitable, already reserved or PMD-mapped");
        }
        PteTable ptes = t.pte[slot];
        if (ptes != null) {
            for (int j = 0; j < 512; j++) {
                int k = Pte.kind(ptes.get(j));
                if (k != Pte.EMPTY && k != Pte.ZERO) {
                    return FaultOutcome.FALLBACK; // the range already maps memory (a forked child's copy)
                }
            }
        }
        vma.anonVma = true;
        m.promotion.enterVma(mm, vma);
        if (m.reservations.reserve(mm, vma, va) == null) {
            return FaultOutcome.FALLBACK;
        }
        return mapFromReservation();
    }

    @Override
    public void splitPmd() {
        m.checkBudget();
        if (t.pte[slot] == null && t.pmd[slot] != 0) {
            m.folios.splitHugePmd(mm, t, slot, va & ~(PMD_SIZE - 1));
        }
    }
}
