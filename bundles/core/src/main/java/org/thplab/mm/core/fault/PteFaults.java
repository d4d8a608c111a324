package org.thplab.mm.core.fault;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;

import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.folio.AnonAlloc;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.folio.ZeroPages;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.mmu.Mmus;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Region;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.fault.FaultPolicy;

/**
 * The PTE-level anonymous fault paths of mm/memory.c: do_anonymous_page() for a write,
 * wp_page_copy() from the zero page, do_wp_page() and do_swap_page(); and the content oracle's
 * record of every store.
 */
public final class PteFaults {
    private final Frames f;
    private final Clock clock;
    private final Mmus mmus;
    private final VmStat stat;
    private final PolicyGuard guard;
    private final ZeroPages zero;
    private final Folios folios;
    private final AnonAlloc anon;
    private final Reservations reservations;
    /** The last content token written: every store writes a new one. */
    private int token;

    public PteFaults(Kernel k, ZeroPages zero, Folios folios, AnonAlloc anon, Reservations reservations) {
        this.f = k.f();
        this.clock = k.clock();
        this.mmus = k.mmus();
        this.stat = k.stat();
        this.guard = k.guard();
        this.zero = zero;
        this.folios = folios;
        this.anon = anon;
        this.reservations = reservations;
    }

    int zeroPfn() {
        return zero.zeroPfn;
    }

    /** A store to page {@code pfn} at {@code va}: a new token in the frame and in the oracle. */
    void store(Vma vma, long va, int pfn) {
        store(vma.region, va, pfn);
    }

    void store(Region r, long va, int pfn) {
        if (++token == 0) {
            token = 1;
        }
        f.content[pfn] = token;
        r.wrote(va, token);
    }

    /** A fault counted (pgfault) and charged, once however often its loop looks at the entry. */
    void chargeFault() {
        stat.count(VmEvent.PGFAULT);
        clock.charge(CostModel.FAULT);
    }

    /** How the last {@link #emptyRun} ended: DONE, or the OOM or RETRY of the page it stopped at. */
    FaultResult runEnd;

    /**
     * do_anonymous_page() for a store to each empty PTE of one table from {@code va} up to
     * {@code end}, page after page, each fault counted, charged and mapped as the per-page path
     * does it: for a touch when no fault is looked at alone (no latency, trace, lock wait or
     * recording) and the fault policy is not asked below the PMD.
     *
     * @return the pages mapped; the run stops at an entry that is not none, or at a page whose
     *     fault is counted but whose allocation failed ({@link #runEnd} says which)
     */
    int emptyRun(AddressSpace mm, Vma vma, PteTable ptes, long va, long end) {
        int n = 0;
        for (int j = PageTable.pteIndex(va); va < end && ptes.get(j) == Pte.NONE; va += Frames.PAGE_SIZE, j++, n++) {
            chargeFault();
            FaultResult r = newPage(mm, vma, ptes, j, va, Pte.NONE);
            if (r != FaultResult.DONE) {
                runEnd = r;
                return n;
            }
        }
        runEnd = FaultResult.DONE;
        return n;
    }

    private static FaultResult failed(int code) {
        return code == AnonAlloc.OOM ? FaultResult.OOM : FaultResult.RETRY;
    }

    /** A new private page at PTE {@code j} (do_anonymous_page for a write, wp_page_copy from the zero page). */
    FaultResult newPage(AddressSpace mm, Vma vma, PteTable ptes, int j, long va, long expect) {
        int p = anon.allocMapped(mm, vma, ptes, j, va, expect);
        if (p < 0) {
            return failed(p);
        }
        clock.charge(CostModel.ZERO_4K);
        ptes.set(j, Pte.make(Pte.PRESENT, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, p));
        mm.rssAnon++;
        store(vma, va, p);
        return FaultResult.DONE;
    }

    /**
     * do_wp_page(): reuse the page when it is exclusive (PageAnonExclusive, or a small folio
     * whose only reference is this PTE, wp_can_reuse_anon_folio()); otherwise copy 4 KiB.
     */
    FaultResult doWpPage(AddressSpace mm, Vma vma, PteTable ptes, int j, long va, long e) {
        int p = Pte.pfn(e);
        int h = f.head(p);
        if (Pte.exclusive(e) || (f.order[h] == 0 && f.ref[h] == 1) || reusableLarge(h)) {
            ptes.set(j, e | Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE);
            store(vma, va, p);
            return FaultResult.DONE;
        }
        int np = anon.allocMapped(mm, vma, ptes, j, va, e);
        if (np < 0) {
            return failed(np);
        }
        clock.charge(CostModel.COPY_4K + CostModel.TLB_FLUSH);
        stat.copies.cowCopied(4096, CostModel.COPY_4K);
        mmus.flushTlbPage(mmus.current(), mm.id, va); // wp_page_copy(): ptep_clear_flush()
        f.content[np] = f.content[p];
        ptes.set(j, Pte.make(Pte.PRESENT, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, np));
        var res = reservations.ofBlock(p >> HPAGE_PMD_ORDER);
        folios.removePteRmap(p, mm.id);
        FaultPolicy fp = guard.policies().fault();
        if (res != null && res.mm == mm && fp != null && fp.releaseReservationOnCow()) {
            reservations.release(res); // the RFC as posted: the owner's CoW drops its reservation
        }
        store(vma, va, np);
        return FaultResult.DONE;
    }

    /**
     * __wp_can_reuse_large_anon_folio() (Linux 6.15, CONFIG_MM_ID): a large folio mapped more
     * than once and not maybe shared (folio_test_large_maybe_mapped_shared(): its mm slots say
     * this mm alone maps it) is reused; one mapped once is copied, so that the folio can go.
     * Every reference is a mapping in thplab, so the refcount test always holds.
     */
    private boolean reusableLarge(int h) {
        return (f.large(h) || f.mthp(h)) && f.ref[h] > 1 && !folios.maybeMappedShared(h);
    }

    /** do_swap_page(): read the page back into a new base page. */
    FaultResult doSwapPage(AddressSpace mm, Vma vma, PteTable ptes, int j, long va, long e, boolean write) {
        int np = anon.swapIn(mm, vma, ptes, j, va, e, write);
        return np < 0 ? failed(np) : FaultResult.DONE;
    }
}
