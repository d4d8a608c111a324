package org.thplab.mm.core.fault;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.api.Tunables;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.alloc.Allocator;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.folio.FolioReferenced;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.folio.HugeSplit;
import org.thplab.mm.core.folio.PageTables;
import org.thplab.mm.core.folio.ZeroPages;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.mmu.Mmus;
import org.thplab.mm.core.mmu.Mmu;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.core.promote.Promotion;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.trace.Tracer;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmSlots;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.alloc.AllocPurpose;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.cow.HugeWriteFault;
import org.thplab.mm.spi.fault.AnonFault;
import org.thplab.mm.spi.fault.FaultPolicy;

/**
 * The PMD-level fault paths of mm/huge_memory.c and the mechanisms they offer to policies:
 * create_huge_pmd() asks the {@link FaultPolicy} what an empty PMD (or an empty PTE) gets, and
 * wp_huge_pmd() / do_huge_pmd_wp_page() hand a write to a shared or zero huge PMD to the
 * {@link CowPolicy}. This object is the {@link AnonFault} and {@link HugeWriteFault} the policies
 * see; one instance is reused for every fault, so the hot path allocates no objects.
 */
public final class PmdFaults implements AnonFault, HugeWriteFault {
    private static final PolicyGuard.Call<FaultPolicy, PmdFaults> FAULT = (p, c) -> c.outcome = p.fault(c);
    private static final PolicyGuard.Call<CowPolicy, PmdFaults> HUGE_WRITE_FAULT = (p, c) -> c.outcome = p.hugeWriteFault(c);

    private final Frames f;
    private final Clock clock;
    private final Mmus mmus;
    private final VmStat stat;
    private final Tracer trace;
    private final PolicyGuard guard;
    private final ThpTunables tunables;
    private final Allocator allocator;
    private final Folios folios;
    private final HugeSplit split;
    private final PageTables tables;
    private final ZeroPages zeroPages;
    private final MmSlots slots;
    private final FolioReferenced referenced;
    private final ReservationFaults res;
    private final MthpFaults mthp;

    /** The fault policy's answer during the current access, or null when it was not asked. */
    FaultOutcome policyOutcome;
    /** The answer of the policy call in progress. */
    private FaultOutcome outcome;

    // The fault being handled (valid during a policy call).
    private AddressSpace mm;
    private Vma vma;
    private long va;
    private boolean write;
    private PmdTable t;
    private int slot;

    public PmdFaults(Kernel k, Allocator allocator, Folios folios, HugeSplit split, PageTables tables, ZeroPages zero,
            Reservations reservations, MmSlots slots, Promotion promotion, FolioReferenced referenced) {
        this.f = k.f();
        this.clock = k.clock();
        this.mmus = k.mmus();
        this.stat = k.stat();
        this.trace = k.trace();
        this.guard = k.guard();
        this.tunables = k.tunables();
        this.allocator = allocator;
        this.folios = folios;
        this.split = split;
        this.tables = tables;
        this.zeroPages = zero;
        this.slots = slots;
        this.referenced = referenced;
        this.res = new ReservationFaults(k, folios, tables, reservations, slots, promotion);
        this.mthp = new MthpFaults(k, allocator, folios, tables);
    }

    /** create_huge_pmd(): asks the fault policy what the fault maps. FALLBACK: the base-page path serves it. */
    FaultOutcome askFaultPolicy(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, int i) {
        FaultOutcome o = FaultOutcome.FALLBACK;
        FaultPolicy p = guard.policies().fault();
        if (guard.usable(p)) {
            set(mm, vma, va, write, t, i);
            outcome = null;
            // A policy that failed: whatever the mechanisms it called did stands (each keeps
            // the invariants); the access loop looks at the entry again.
            if (guard.call(p, "fault", this, FAULT)) {
                o = outcome;
                if (o == null) {
                    guard.failed(p, "fault: returned no outcome");
                    o = FaultOutcome.FALLBACK;
                }
            }
        }
        policyOutcome = o;
        return o;
    }

    private void set(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, int i) {
        this.mm = mm;
        this.vma = vma;
        this.va = va;
        this.write = write;
        this.t = t;
        this.slot = i;
    }

    /**
     * wp_huge_pmd() / do_huge_pmd_wp_page(): reuse an exclusive THP, else hand the fault to the
     * CoW policy. @return false on OOM
     */
    boolean wpHugePmd(AddressSpace mm, Vma vma, PmdTable t, int i, long va, long pmd) {
        if (Pte.kind(pmd) == Pte.HUGE) {
            int h = Pte.pfn(pmd);
            if (Pte.exclusive(pmd) || f.ref[h] == 1) {
                t.pmd[i] = pmd | Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE;
                return true;
            }
        }
        set(mm, vma, va, true, t, i);
        CowPolicy p = guard.policies().cow();
        FaultOutcome o;
        if (!guard.usable(p)) {
            splitPmd(); // the fallback: 4 KiB CoW
            o = FaultOutcome.FALLBACK;
        } else {
            outcome = null;
            if (!guard.call(p, "hugeWriteFault", this, HUGE_WRITE_FAULT)) {
                o = FaultOutcome.FALLBACK;
            } else if ((o = outcome) == null) {
                guard.failed(p, "hugeWriteFault: returned no outcome");
                o = FaultOutcome.FALLBACK;
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

    // AnonFault and HugeWriteFault: the mechanisms offered to policies.

    @Override
    public Tunables tunables() {
        return tunables;
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
    public int allowableOrders() {
        return allowableOrders(vma);
    }

    /** thp_vma_allowable_orders() for {@code v}'s flags: none in a VM_NOHUGEPAGE VMA. */
    int allowableOrders(Vma v) {
        return v.nohugepage() ? 0 : tunables.allowableOrders(v.hugepage());
    }

    @Override
    public boolean hugeZeroPage() {
        return Pte.kind(t.pmd[slot]) == Pte.HUGE_ZERO;
    }

    @Override
    public boolean pmdYoung() {
        long pmd = t.pmd[slot]; // orig_pmd of do_huge_pmd_wp_page()
        return t.pte[slot] == null && Pte.kind(pmd) == Pte.HUGE && Pte.young(pmd);
    }

    @Override
    public boolean folioReferenced() {
        long pmd = t.pmd[slot];
        return t.pte[slot] == null && Pte.kind(pmd) == Pte.HUGE && referenced.referenced(Pte.pfn(pmd), false);
    }

    private void requireEmptySuitablePmd(String what) {
        if (!pmdNone() || !hugeSuitable()) {
            throw new IllegalStateException(what + ": the PMD is not empty or the range does not fit the VMA");
        }
    }

    @Override
    public FaultOutcome mapHugeZeroPage() {
        guard.checkBudget();
        requireEmptySuitablePmd("mapHugeZeroPage");
        mm.anonVmaPrepare(vma); // do_huge_pmd_anonymous_page(): anon_vma_prepare() comes first
        slots.enterVma(mm, vma);
        if (zeroPages.hugeZeroPfn < 0) {
            // get_huge_zero_page(): GFP_TRANSHUGE without __GFP_MOVABLE, zeroed.
            int hz = allocator.alloc(HPAGE_PMD_ORDER, AllocPurpose.KERNEL, false);
            if (hz < 0) {
                stat.count(VmEvent.THP_ZERO_PAGE_ALLOC_FAILED);
                stat.count(VmEvent.THP_FAULT_FALLBACK);
                traceThpFault("fallback");
                return FaultOutcome.FALLBACK;
            }
            for (int k = 0; k < HPAGE_PMD_NR; k++) {
                f.type[hz + k] = k == 0 ? Frames.HZERO : Frames.HZERO_TAIL;
                f.order[hz + k] = HPAGE_PMD_ORDER;
            }
            clock.charge(CostModel.ZERO_2M);
            stat.count(VmEvent.THP_ZERO_PAGE_ALLOC);
            zeroPages.hugeZeroPfn = hz;
        }
        int table = tables.allocPgtableFrame(mm);
        if (table < 0) {
            return FaultOutcome.OOM;
        }
        t.pmd[slot] = Pte.make(Pte.HUGE_ZERO, Pte.YOUNG, zeroPages.hugeZeroPfn);
        t.tableFrame[slot] = table;
        t.used++;
        zeroPages.hugeZeroUsers++;
        traceThpFault("huge_zero_page");
        return FaultOutcome.MAPPED;
    }

    @Override
    public FaultOutcome mapNewHugePage() {
        guard.checkBudget();
        requireEmptySuitablePmd("mapNewHugePage");
        mm.anonVmaPrepare(vma); // do_huge_pmd_anonymous_page(): the anon_vma, then khugepaged's slot
        slots.enterVma(mm, vma);
        int h = allocator.alloc(HPAGE_PMD_ORDER, AllocPurpose.FAULT_THP, vma.hugepage());
        if (h < 0) {
            stat.count(VmEvent.THP_FAULT_FALLBACK);
            traceThpFault("fallback");
            return FaultOutcome.FALLBACK;
        }
        if (!pmdNone()) {
            folios.freeUnused(h, HPAGE_PMD_ORDER);
            return FaultOutcome.MAPPED;
        }
        int table = tables.allocPgtableFrame(mm);
        if (table < 0) {
            folios.freeUnused(h, HPAGE_PMD_ORDER);
            return FaultOutcome.OOM;
        }
        long haddr = va & ~(PMD_SIZE - 1);
        clock.charge(CostModel.ZERO_2M);
        folios.initAnon(h, HPAGE_PMD_ORDER, mm.family.id, (int) (haddr >>> 12));
        folios.addPmdRmap(h, mm.id);
        // maybe_pmd_mkwrite(pmd_mkdirty()): writable even on a read fault.
        t.pmd[slot] = Pte.make(Pte.HUGE, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, h);
        t.tableFrame[slot] = table;
        t.used++;
        mm.rssAnon += HPAGE_PMD_NR;
        stat.count(VmEvent.THP_FAULT_ALLOC);
        traceThpFault("alloc");
        return FaultOutcome.MAPPED;
    }

    @Override
    public FaultOutcome mapNewLargeFolio(int order) {
        guard.checkBudget();
        return mthp.map(mm, vma, va, write, t, slot, order);
    }

    @Override
    public FaultOutcome copyHugePage() {
        guard.checkBudget();
        long pmd = t.pmd[slot];
        if (t.pte[slot] != null || pmd == 0) {
            throw new IllegalStateException("copyHugePage: no huge PMD to copy");
        }
        int nh = allocator.alloc(HPAGE_PMD_ORDER, AllocPurpose.COW_THP, vma.hugepage());
        if (nh < 0) {
            stat.count(VmEvent.THP_FAULT_FALLBACK);
            traceThpFault("cow_fallback");
            return FaultOutcome.FALLBACK;
        }
        if (t.pte[slot] != null || t.pmd[slot] != pmd) {
            folios.freeUnused(nh, HPAGE_PMD_ORDER);
            return FaultOutcome.MAPPED; // changed under us: retry the access
        }
        long haddr = va & ~(PMD_SIZE - 1);
        boolean zero = Pte.kind(pmd) == Pte.HUGE_ZERO;
        folios.initAnon(nh, HPAGE_PMD_ORDER, mm.family.id, (int) (haddr >>> 12));
        if (zero) {
            clock.charge(CostModel.ZERO_2M);
        } else {
            System.arraycopy(f.content, Pte.pfn(pmd), f.content, nh, HPAGE_PMD_NR);
            clock.charge(CostModel.COPY_2M);
            stat.copies.cowCopied(2L << 20, CostModel.COPY_2M);
        }
        folios.addPmdRmap(nh, mm.id);
        t.pmd[slot] = Pte.make(Pte.HUGE, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, nh);
        if (zero) {
            zeroPages.hugeZeroUsers--;
            mm.rssAnon += HPAGE_PMD_NR;
        } else {
            folios.removePmdRmap(Pte.pfn(pmd), mm.id);
        }
        clock.charge(CostModel.TLB_FLUSH); // do_huge_pmd_wp_page(): pmdp_huge_clear_flush(), flush_pmd_tlb_range()
        mmus.flushTlbMmRange(mmus.current(), mm.id, haddr, haddr + PMD_SIZE, Mmu.PMD_SHIFT, false);
        stat.count(VmEvent.THP_FAULT_ALLOC);
        traceThpFault("cow_alloc");
        return FaultOutcome.MAPPED;
    }

    @Override
    public boolean reserved() {
        return res.reserved(mm, va);
    }

    @Override
    public int reservationUsed() {
        return res.used(mm, va);
    }

    @Override
    public FaultOutcome mapFromReservation() {
        guard.checkBudget();
        return res.mapFromReservation(mm, vma, va, t, slot);
    }

    @Override
    public FaultOutcome reserveAndMap() {
        guard.checkBudget();
        if (!hugeSuitable() || res.reserved(mm, va) || (t.pte[slot] == null && t.pmd[slot] != 0)) {
            throw new IllegalStateException("reserveAndMap: the range is not suitable, already reserved or PMD-mapped");
        }
        return res.reserveAndMap(mm, vma, va, t, slot);
    }

    /**
     * thplab_thp_fault: what a PMD-sized fault got. The kernel has no tracepoint here (it counts
     * thp_fault_alloc and thp_fault_fallback); this one carries the fields a trace reader wants.
     */
    private void traceThpFault(String result) {
        if (trace.on(Tracer.FAULT)) {
            trace.emit(Tracer.FAULT, "thplab_thp_fault", String.format("mm=%s address=0x%x order=%d result=%s",
                    mm.name, va & ~(PMD_SIZE - 1), HPAGE_PMD_ORDER, result));
        }
    }

    @Override
    public void splitPmd() {
        guard.checkBudget();
        if (t.pte[slot] == null && t.pmd[slot] != 0) {
            split.splitHugePmd(mm, t, slot, va & ~(PMD_SIZE - 1));
        }
    }
}
