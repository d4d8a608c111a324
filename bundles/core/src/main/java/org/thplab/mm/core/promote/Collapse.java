package org.thplab.mm.core.promote;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import java.util.ArrayList;
import java.util.List;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.alloc.Allocator;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.folio.AnonAlloc;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.mmu.Mmus;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.trace.Tracer;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmapLock;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.alloc.AllocPurpose;
import org.thplab.mm.spi.promote.CollapseTicket;
import org.thplab.mm.spi.promote.PmdScan;
import org.thplab.mm.spi.promote.ScanResult;

/**
 * collapse_huge_page() by copy, after mm/khugepaged.c: alloc_charge_folio(),
 * __collapse_huge_page_swapin(), __collapse_huge_page_isolate() and
 * __collapse_huge_page_copy(), which fails on a poisoned source page (SCAN_COPY_MC) and rolls
 * back, as since "mm/khugepaged: recover from poisoned anonymous memory". Split in a prepared
 * part and a part under the mmap write lock, so a promoter can choose where the lock goes.
 */
final class Collapse {
    private final Frames f;
    private final Clock clock;
    private final Mmus mmus;
    private final VmStat stat;
    private final Tracer trace;
    private final PolicyGuard guard;
    private final ThpTunables tunables;
    private final Allocator allocator;
    private final Folios folios;
    private final AnonAlloc anon;
    private final MmapLock mmapLock;
    private final PmdScanner scanner;
    /** Frames with a (simulated) uncorrectable memory error, found only by a machine-check-safe copy. */

    Collapse(Kernel k, Allocator allocator, Folios folios, AnonAlloc anon, MmapLock mmapLock, PmdScanner scanner) {
        this.f = k.f();
        this.clock = k.clock();
        this.mmus = k.mmus();
        this.stat = k.stat();
        this.trace = k.trace();
        this.guard = k.guard();
        this.tunables = k.tunables();
        this.allocator = allocator;
        this.folios = folios;
        this.anon = anon;
        this.mmapLock = mmapLock;
        this.scanner = scanner;
    }

    /** A prepared collapse. */
    private static final class Ticket implements CollapseTicket {
        final AddressSpace mm;
        final long haddr;
        final boolean khugepaged;
        ScanResult result;
        int hpage = -1;

        Ticket(AddressSpace mm, long haddr, boolean khugepaged) {
            this.mm = mm;
            this.haddr = haddr;
            this.khugepaged = khugepaged;
        }

        @Override
        public ScanResult result() {
            return result;
        }

        @Override
        public long address() {
            return haddr;
        }
    }

    /** collapse_huge_page() in one go: prepare, take the mmap lock for write, commit. */
    ScanResult collapseHugePage(AddressSpace mm, PmdScan scan, boolean khugepaged) {
        CollapseTicket t = prepareCollapse(mm, scan, khugepaged);
        if (t.result() != ScanResult.SCAN_SUCCEED) {
            return t.result();
        }
        mmapLock.lockWrite(mm, khugepaged ? "khugepaged" : "madv_collapse");
        try {
            return commitCollapse(t);
        } finally {
            mmapLock.unlockWrite(mm);
        }
    }

    /** The part of collapse_huge_page() before the mmap write lock: allocate, revalidate, swap in. */
    CollapseTicket prepareCollapse(AddressSpace mm, PmdScan scan, boolean khugepaged) {
        guard.checkBudget();
        Ticket t = new Ticket(mm, scan.address(), khugepaged);
        if (scan.result() != ScanResult.SCAN_SUCCEED) {
            t.result = scan.result();
            return t;
        }
        Vma v = mm.find(t.haddr);
        // alloc_charge_folio(): khugepaged's gfp follows khugepaged/defrag; MADV_COLLAPSE's is GFP_TRANSHUGE.
        int h = allocator.alloc(HPAGE_PMD_ORDER, khugepaged ? AllocPurpose.COLLAPSE : AllocPurpose.MADV_COLLAPSE,
                v != null && v.hugepage());
        if (h < 0) {
            stat.count(VmEvent.THP_COLLAPSE_ALLOC_FAILED);
            finish(t, ScanResult.SCAN_ALLOC_HUGE_PAGE_FAIL);
            return t;
        }
        stat.count(VmEvent.THP_COLLAPSE_ALLOC);
        t.hpage = h;
        open.add(t);
        // The allocation may have reclaimed: look again (hugepage_vma_revalidate()).
        ScanResult r = scanner.revalidate(mm, t.haddr, false);
        if (r != ScanResult.SCAN_SUCCEED) {
            return abortTicket(t, r);
        }
        if (scan.unmapped() > 0) {
            r = swapin(mm, t.haddr, scan.referenced());
            if (r != ScanResult.SCAN_SUCCEED) {
                return abortTicket(t, r);
            }
        }
        t.result = ScanResult.SCAN_SUCCEED;
        return t;
    }

    /** __collapse_huge_page_swapin(): read every swap PTE of the range back. */
    private ScanResult swapin(AddressSpace mm, long haddr, int referenced) {
        int swapped = 0;
        ScanResult r = ScanResult.SCAN_SUCCEED;
        for (int j = 0; j < 512; j++) {
            PmdTable t = mm.pt.lookup(haddr);
            PteTable ptes = t == null ? null : t.pte[PageTable.pmdIndex(haddr)];
            if (ptes == null) {
                r = ScanResult.SCAN_PMD_NULL;
                break;
            }
            long e = ptes.get(j);
            if (Pte.kind(e) != Pte.SWAP) {
                continue;
            }
            long va = haddr + ((long) j << 12);
            if (anon.swapIn(mm, mm.find(va), ptes, j, va, e, false) == AnonAlloc.OOM) {
                r = ScanResult.SCAN_FAIL;
                break;
            }
            swapped++;
        }
        if (trace.on()) {
            trace.emit("mm_collapse_huge_page_swapin", String.format("mm=%s, swapped_in=%d, referenced=%d, ret=%d",
                    mm.name, swapped, referenced, r == ScanResult.SCAN_SUCCEED ? 1 : 0));
        }
        return r;
    }

    /** The part under the mmap write lock: isolate, copy, install the huge PMD. */
    ScanResult commitCollapse(CollapseTicket ticket) {
        Ticket t = (Ticket) ticket;
        if (t.result != ScanResult.SCAN_SUCCEED) {
            return t.result;
        }
        if (t.hpage < 0) {
            throw new IllegalStateException("commitCollapse: the ticket was already committed or aborted");
        }
        AddressSpace mm = t.mm;
        if (mm.mmapWriteSince < 0) {
            throw new IllegalStateException("commitCollapse: the mmap lock of " + mm.name + " is not held for write");
        }
        ScanResult r = scanner.revalidate(mm, t.haddr, t.khugepaged);
        if (r != ScanResult.SCAN_SUCCEED) {
            return abort(t, r);
        }
        PmdTable pt = mm.pt.lookup(t.haddr);
        int i = PageTable.pmdIndex(t.haddr);
        PteTable ptes = pt.pte[i];
        r = isolate(mm, ptes, t.khugepaged);
        if (r != ScanResult.SCAN_SUCCEED) {
            return abort(t, r);
        }
        // __collapse_huge_page_copy(): a machine-check-safe copy; nothing changes before it succeeds.
        int h = t.hpage;
        int present = 0;
        for (int j = 0; j < 512; j++) {
            long e = ptes.get(j);
            if (Pte.kind(e) == Pte.PRESENT) {
                int p = Pte.pfn(e);
                if (f.hwpoison.get(p)) {
                    clock.charge(CostModel.COPY_4K * present);
                    return abort(t, ScanResult.SCAN_COPY_MC);
                }
                f.content[h + j] = f.content[p];
                present++;
            } else {
                f.content[h + j] = 0;
            }
        }
        clock.charge(CostModel.COPY_4K * present + CostModel.ZERO_4K * (512 - present));
        stat.copies.collapsed(t.khugepaged, present, CostModel.COPY_4K * present + CostModel.ZERO_4K * (512 - present));
        // Release the old pages; the PTE table becomes the table deposited for the huge PMD.
        // __collapse_huge_page_copy_succeeded() of 6.18: the PTEs of consecutive pages of one
        // large folio go in one batch (folio_pte_batch(), folio_remove_rmap_ptes()), so a THP
        // mapped whole by this table is never left partially mapped on the way.
        for (int j = 0; j < 512; ) {
            long e = ptes.get(j);
            if (Pte.kind(e) != Pte.PRESENT) {
                j++;
                continue;
            }
            int p = Pte.pfn(e);
            int nr = folios.pteBatch(ptes, j, 512, p);
            folios.removePteRmaps(p, nr, mm.id);
            mm.updateHiwaterRss();
            mm.rssAnon -= nr;
            j += nr;
        }
        pt.remove(i);
        folios.initAnon(h, HPAGE_PMD_ORDER, mm.family.id, (int) (t.haddr >>> 12));
        folios.addPmdRmap(h, mm.id);
        pt.pmd[i] = Pte.make(Pte.HUGE, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, h);
        mm.rssAnon += HPAGE_PMD_NR;
        clock.charge(CostModel.TLB_FLUSH);
        // pmdp_collapse_flush(): flush_tlb_range() of the 2 MiB, a full flush (512 strides)
        mmus.flushTlbRange(mmus.current(), mm.id, t.haddr, t.haddr + PMD_SIZE);
        t.hpage = -1;
        return finish(t, ScanResult.SCAN_SUCCEED);
    }

    /**
     * __collapse_huge_page_isolate() of 6.18: the checks again, now that nothing can change the
     * range; no writable check (SCAN_PAGE_RO) any more, the limits and the referenced check are
     * khugepaged's.
     */
    private ScanResult isolate(AddressSpace mm, PteTable ptes, boolean khugepaged) {
        long maxNone = tunables.number("khugepaged/max_ptes_none");
        long maxShared = tunables.number("khugepaged/max_ptes_shared");
        int none = 0;
        int shared = 0;
        int referenced = 0;
        int firstPfn = 0;
        ScanResult r = null;
        for (int j = 0; j < 512 && r == null; j++) {
            long e = ptes.get(j);
            switch (Pte.kind(e)) {
                case Pte.EMPTY, Pte.ZERO -> {
                    if (++none > maxNone && khugepaged) {
                        r = ScanResult.SCAN_EXCEED_NONE_PTE;
                        stat.count(VmEvent.THP_SCAN_EXCEED_NONE_PTE);
                    }
                }
                case Pte.PRESENT -> {
                    int p = Pte.pfn(e);
                    firstPfn = firstPfn == 0 ? p : firstPfn;
                    if (folios.maybeMappedShared(p) && ++shared > maxShared && khugepaged) {
                        r = ScanResult.SCAN_EXCEED_SHARED_PTE;
                        stat.count(VmEvent.THP_SCAN_EXCEED_SHARE_PTE);
                    } else if (khugepaged && Pte.young(e)) {
                        referenced++;
                    }
                }
                default -> r = ScanResult.SCAN_PTE_NON_PRESENT;
            }
        }
        if (r == null) {
            r = khugepaged && referenced == 0 ? ScanResult.SCAN_LACK_REFERENCED_PAGE : ScanResult.SCAN_SUCCEED;
        }
        if (trace.on()) { // 6.18's fields, without writable
            trace.emit("mm_collapse_huge_page_isolate", String.format(
                    "scan_pfn=0x%x, none_or_zero=%d, referenced=%d, status=%s",
                    firstPfn, none, referenced, r.traceName()));
        }
        return r;
    }

    void abortCollapse(CollapseTicket ticket) {
        Ticket t = (Ticket) ticket;
        if (t.hpage >= 0) {
            abort(t, ScanResult.SCAN_FAIL);
        }
    }

    /** Rolls a collapse back: the huge page goes back to the free lists; PTEs and pages were not touched. */
    private Ticket abortTicket(Ticket t, ScanResult r) {
        if (t.hpage >= 0) {
            folios.freeUnused(t.hpage, HPAGE_PMD_ORDER);
            t.hpage = -1;
        }
        t.result = r;
        if (trace.on()) {
            trace.emit("mm_collapse_huge_page", "mm=" + t.mm.name + ", isolated=0, status=" + r.traceName());
        }
        return t;
    }

    private ScanResult abort(Ticket t, ScanResult r) {
        return abortTicket(t, r).result;
    }

    private ScanResult finish(Ticket t, ScanResult r) {
        t.result = r;
        if (trace.on()) {
            trace.emit("mm_collapse_huge_page", "mm=" + t.mm.name + ", isolated=" + (r == ScanResult.SCAN_SUCCEED ? 1 : 0)
                    + ", status=" + r.traceName());
        }
        return r;
    }

    /** Collapses prepared and neither committed nor aborted yet. */
    private final List<Ticket> open = new ArrayList<>();

    /** Aborts the prepared collapses left open. @return true when there were any */
    boolean abortOpen() {
        if (open.isEmpty()) {
            return false; // the usual case, after every promoter call: no copy of the list
        }
        boolean tickets = false;
        for (Ticket t : new ArrayList<>(open)) {
            if (t.hpage >= 0) {
                abortTicket(t, ScanResult.SCAN_FAIL);
                tickets = true;
            }
        }
        open.clear();
        return tickets;
    }
}
