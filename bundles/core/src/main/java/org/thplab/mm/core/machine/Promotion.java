package org.thplab.mm.core.machine;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.AllocPurpose;
import org.thplab.mm.spi.CollapseTicket;
import org.thplab.mm.spi.PmdScan;
import org.thplab.mm.spi.PromotionContext;
import org.thplab.mm.spi.ScanResult;
import org.thplab.mm.spi.VmaRange;

/**
 * The mechanisms of promotion, after mm/khugepaged.c: the mm_slot list (khugepaged_enter_vma()
 * and its call sites), hpage_collapse_scan_pmd(), collapse_huge_page() with
 * __collapse_huge_page_swapin(), __collapse_huge_page_isolate() and
 * __collapse_huge_page_copy() (which fails on a poisoned source page, SCAN_COPY_MC, and rolls
 * back, as since "mm/khugepaged: recover from poisoned anonymous memory"), and the accounting
 * of the mmap lock held for write.
 */
final class Promotion implements PromotionContext {
    private final Machine m;
    private final Frames f;
    /** khugepaged's mm_slot list, in registration order. */
    final List<AddressSpace> slots = new ArrayList<>();
    /** Frames with a (simulated) uncorrectable memory error, found only by a machine-check-safe copy. */
    private BitSet poisoned;
    long pagesCollapsed;
    long fullScans;
    /** mmap lock write hold: total, acquisitions, longest. */
    long lockWriteNs;
    long lockWriteAcquisitions;
    long lockWriteMaxNs;

    Promotion(Machine m) {
        this.m = m;
        this.f = m.f;
    }

    // ----------------------------------------------------------------------------------------
    // Registration with khugepaged.

    /**
     * khugepaged_enter_vma(): registers the mm when khugepaged runs at all (enabled is not
     * never) and a PMD-sized THP is allowed in the VMA with the sysfs settings enforced.
     */
    void enterVma(AddressSpace mm, Vma vma) {
        enterVma(mm, vma, false);
    }

    /** khugepaged_enter_vma() from a fault, where a VMA without anon_vma yet is allowed (TVA_IN_PF). */
    void enterVma(AddressSpace mm, Vma vma, boolean inFault) {
        if (!mm.khugepaged && m.tunables.enabled() != ThpEnabled.NEVER && allowed(vma, true, inFault)) {
            register(mm);
        }
    }

    /** __khugepaged_enter(). */
    void register(AddressSpace mm) {
        mm.khugepaged = true;
        slots.add(mm);
    }

    /** thp_vma_allowable_order(PMD_ORDER) for an anonymous VMA, outside a fault (the VMA must hold an aligned 2 MiB). */
    boolean allowed(Vma v, boolean enforceSysfs) {
        return allowed(v, enforceSysfs, false);
    }

    /**
     * __thp_vma_allowable_orders() outside a fault: VM_NOHUGEPAGE never; with the sysfs settings
     * enforced, enabled=always or madvise with VM_HUGEPAGE; the VMA holds an aligned 2 MiB; and,
     * except for smaps' THPeligible, a fault has prepared its anon_vma.
     */
    boolean allowed(Vma v, boolean enforceSysfs, boolean smaps) {
        if (v.nohugepage()) {
            return false;
        }
        if (enforceSysfs) {
            ThpEnabled e = m.tunables.enabled();
            if (!(e == ThpEnabled.ALWAYS || (e == ThpEnabled.MADVISE && v.hugepage()))) {
                return false;
            }
        }
        long first = (v.start + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
        // Outside a fault, a VMA no fault has prepared (no anon_vma) is not eligible.
        return first + PMD_SIZE <= v.end && (v.anonVma || smaps);
    }

    // ----------------------------------------------------------------------------------------
    // PromotionContext: the machine as promoters see it.

    @Override
    public Tunables tunables() {
        return m.tunables;
    }

    @Override
    public long now() {
        return m.clock.now();
    }

    @Override
    public void charge(long nanos) {
        m.checkBudget();
        if (nanos < 0) {
            throw new IllegalArgumentException("negative charge " + nanos);
        }
        m.clock.charge(nanos);
    }

    @Override
    public List<Integer> khugepagedMms() {
        m.checkBudget();
        List<Integer> ids = new ArrayList<>(slots.size());
        for (AddressSpace mm : slots) {
            ids.add(mm.id);
        }
        return ids;
    }

    @Override
    public void collectMmSlot(int id) {
        AddressSpace mm = any(id);
        if (!mm.dead) {
            throw new IllegalStateException("collectMmSlot: process " + mm.name + " has not exited");
        }
        slots.remove(mm);
        m.mms.remove(id);
    }

    @Override
    public int mmOf(String proc) {
        AddressSpace mm = m.procs.get(proc);
        return mm == null ? -1 : mm.id;
    }

    @Override
    public String processName(int id) {
        return any(id).name;
    }

    @Override
    public boolean alive(int id) {
        AddressSpace mm = m.mms.get(id);
        return mm != null && !mm.dead;
    }

    @Override
    public List<VmaRange> vmas(int id) {
        m.checkBudget();
        AddressSpace mm = any(id);
        List<VmaRange> out = new ArrayList<>(mm.vmas.size());
        for (Vma v : mm.vmas) {
            out.add(new VmaRange(v.start, v.end, v.hugepage(), v.nohugepage(), v.anonVma));
        }
        return out;
    }

    @Override
    public boolean thpAllowed(int id, long address, boolean enforceSysfs) {
        AddressSpace mm = any(id);
        Vma v = mm.find(address);
        return v != null && allowed(v, enforceSysfs);
    }

    private AddressSpace any(int id) {
        AddressSpace mm = m.mms.get(id);
        if (mm == null) {
            throw new IllegalArgumentException("no address space " + id);
        }
        return mm;
    }

    private boolean shared(int p) {
        // page_mapcount() > 1: PTE mappings of the page plus PMD mappings of its folio.
        int h = f.head(p);
        int entire = f.order[h] == HPAGE_PMD_ORDER ? f.entireMapcount[h >> HPAGE_PMD_ORDER] : 0;
        return f.map[p] + entire > 1;
    }

    /** hugepage_vma_revalidate() and find_pmd_or_thp_or_none(): SCAN_SUCCEED when the range can still be collapsed. */
    private ScanResult revalidate(AddressSpace mm, long haddr, boolean khugepaged) {
        if (mm.dead) {
            return ScanResult.SCAN_ANY_PROCESS;
        }
        Vma v = mm.find(haddr);
        if (v == null) {
            return ScanResult.SCAN_VMA_NULL;
        }
        if ((haddr & (PMD_SIZE - 1)) != 0 || haddr < v.start || haddr + PMD_SIZE > v.end) {
            return ScanResult.SCAN_ADDRESS_RANGE;
        }
        if (!allowed(v, khugepaged)) {
            return ScanResult.SCAN_VMA_CHECK;
        }
        PmdTable t = mm.pt.lookup(haddr);
        if (t == null) {
            return ScanResult.SCAN_PMD_NULL;
        }
        int i = PageTable.pmdIndex(haddr);
        if (t.pte[i] == null) {
            return t.pmd[i] == 0 ? ScanResult.SCAN_PMD_NONE : ScanResult.SCAN_PMD_MAPPED;
        }
        return ScanResult.SCAN_SUCCEED;
    }

    @Override
    public PmdScan scanPmd(int id, long haddr, boolean khugepaged) {
        m.checkBudget();
        AddressSpace mm = any(id);
        m.clock.charge(CostModel.SCAN_PMD);
        ScanResult r = revalidate(mm, haddr, false);
        int none = 0;
        int unmapped = 0;
        int shared = 0;
        int referenced = 0;
        boolean writable = false;
        int firstPfn = -1;
        if (r == ScanResult.SCAN_SUCCEED) {
            long maxNone = m.tunables.number("khugepaged/max_ptes_none");
            long maxSwap = m.tunables.number("khugepaged/max_ptes_swap");
            long maxShared = m.tunables.number("khugepaged/max_ptes_shared");
            PteTable ptes = mm.pt.lookup(haddr).pte[PageTable.pmdIndex(haddr)];
            r = null;
            for (int j = 0; j < 512 && r == null; j++) {
                long e = ptes.get(j);
                switch (Pte.kind(e)) {
                    case Pte.SWAP -> {
                        if (++unmapped > maxSwap && khugepaged) {
                            r = ScanResult.SCAN_EXCEED_SWAP_PTE;
                            m.stat.count(VmEvent.THP_SCAN_EXCEED_SWAP_PTE);
                        }
                    }
                    case Pte.EMPTY, Pte.ZERO -> {
                        if (++none > maxNone && khugepaged) {
                            r = ScanResult.SCAN_EXCEED_NONE_PTE;
                            m.stat.count(VmEvent.THP_SCAN_EXCEED_NONE_PTE);
                        }
                    }
                    case Pte.PRESENT -> {
                        writable |= Pte.writable(e);
                        int p = Pte.pfn(e);
                        if (firstPfn < 0) {
                            firstPfn = p;
                        }
                        if (shared(p) && ++shared > maxShared && khugepaged) {
                            r = ScanResult.SCAN_EXCEED_SHARED_PTE;
                            m.stat.count(VmEvent.THP_SCAN_EXCEED_SHARE_PTE);
                        } else if (khugepaged && Pte.young(e)) {
                            referenced++;
                        }
                    }
                    default -> r = ScanResult.SCAN_PTE_NON_PRESENT;
                }
            }
            if (r == null) {
                if (!writable) {
                    r = ScanResult.SCAN_PAGE_RO;
                } else if (khugepaged && (referenced == 0 || (unmapped > 0 && referenced < HPAGE_PMD_NR / 2))) {
                    r = ScanResult.SCAN_LACK_REFERENCED_PAGE;
                } else {
                    r = ScanResult.SCAN_SUCCEED;
                }
            }
        }
        m.trace.emit("mm_khugepaged_scan_pmd", String.format(
                "mm=%s, scan_pfn=0x%x, writable=%d, referenced=%d, none_or_zero=%d, status=%s, unmapped=%d",
                mm.name, Math.max(firstPfn, 0), writable ? 1 : 0, referenced, none, r.traceName(), unmapped));
        return new PmdScan(r, haddr, none, unmapped, shared, referenced, writable);
    }

    // ----------------------------------------------------------------------------------------
    // collapse_huge_page().

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

    @Override
    public ScanResult collapseHugePage(int id, PmdScan scan, boolean khugepaged) {
        CollapseTicket t = prepareCollapse(id, scan, khugepaged);
        if (t.result() != ScanResult.SCAN_SUCCEED) {
            return t.result();
        }
        lockMmapWrite(id);
        try {
            return commitCollapse(t);
        } finally {
            unlockMmapWrite(id);
        }
    }

    @Override
    public CollapseTicket prepareCollapse(int id, PmdScan scan, boolean khugepaged) {
        m.checkBudget();
        AddressSpace mm = any(id);
        Ticket t = new Ticket(mm, scan.address(), khugepaged);
        if (scan.result() != ScanResult.SCAN_SUCCEED) {
            t.result = scan.result();
            return t;
        }
        Vma v = mm.find(t.haddr);
        // alloc_charge_folio(): khugepaged's gfp follows khugepaged/defrag; MADV_COLLAPSE's is GFP_TRANSHUGE.
        int h = m.allocator.alloc(HPAGE_PMD_ORDER, khugepaged ? AllocPurpose.COLLAPSE : AllocPurpose.MADV_COLLAPSE,
                v != null && v.hugepage());
        if (h < 0) {
            m.stat.count(VmEvent.THP_COLLAPSE_ALLOC_FAILED);
            finish(t, ScanResult.SCAN_ALLOC_HUGE_PAGE_FAIL);
            return t;
        }
        m.stat.count(VmEvent.THP_COLLAPSE_ALLOC);
        t.hpage = h;
        open.add(t);
        // The allocation may have reclaimed: look again (hugepage_vma_revalidate()).
        ScanResult r = revalidate(mm, t.haddr, false);
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
            if (m.faults.swapIn(mm, mm.find(va), ptes, j, va, e) < 0) {
                r = ScanResult.SCAN_FAIL;
                break;
            }
            swapped++;
        }
        m.trace.emit("mm_collapse_huge_page_swapin", String.format("mm=%s, swapped_in=%d, referenced=%d, ret=%d",
                mm.name, swapped, referenced, r == ScanResult.SCAN_SUCCEED ? 1 : 0));
        return r;
    }

    @Override
    public ScanResult commitCollapse(CollapseTicket ticket) {
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
        ScanResult r = revalidate(mm, t.haddr, t.khugepaged);
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
                if (poisoned != null && poisoned.get(p)) {
                    m.clock.charge(CostModel.COPY_4K * present);
                    return abort(t, ScanResult.SCAN_COPY_MC);
                }
                f.content[h + j] = f.content[p];
                present++;
            } else {
                f.content[h + j] = 0;
            }
        }
        m.clock.charge(CostModel.COPY_4K * present + CostModel.ZERO_4K * (512 - present));
        // Release the old pages; the PTE table becomes the table deposited for the huge PMD.
        for (int j = 0; j < 512; j++) {
            long e = ptes.get(j);
            if (Pte.kind(e) == Pte.PRESENT) {
                m.folios.removePteRmap(Pte.pfn(e));
                mm.rssAnon--;
            }
        }
        pt.pte[i] = null;
        m.folios.initAnon(h, HPAGE_PMD_ORDER, mm.family.id, (int) (t.haddr >>> 12));
        m.folios.addPmdRmap(h);
        pt.pmd[i] = Pte.make(Pte.HUGE, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, h);
        mm.rssAnon += HPAGE_PMD_NR;
        m.clock.charge(CostModel.TLB_FLUSH);
        t.hpage = -1;
        return finish(t, ScanResult.SCAN_SUCCEED);
    }

    /** __collapse_huge_page_isolate(): the checks again, now that nothing can change the range. */
    private ScanResult isolate(AddressSpace mm, PteTable ptes, boolean khugepaged) {
        long maxNone = m.tunables.number("khugepaged/max_ptes_none");
        long maxShared = m.tunables.number("khugepaged/max_ptes_shared");
        int none = 0;
        int shared = 0;
        int referenced = 0;
        boolean writable = false;
        int firstPfn = 0;
        ScanResult r = null;
        for (int j = 0; j < 512 && r == null; j++) {
            long e = ptes.get(j);
            switch (Pte.kind(e)) {
                case Pte.EMPTY, Pte.ZERO -> {
                    if (++none > maxNone && khugepaged) {
                        r = ScanResult.SCAN_EXCEED_NONE_PTE;
                        m.stat.count(VmEvent.THP_SCAN_EXCEED_NONE_PTE);
                    }
                }
                case Pte.PRESENT -> {
                    int p = Pte.pfn(e);
                    firstPfn = firstPfn == 0 ? p : firstPfn;
                    if (shared(p) && ++shared > maxShared && khugepaged) {
                        r = ScanResult.SCAN_EXCEED_SHARED_PTE;
                        m.stat.count(VmEvent.THP_SCAN_EXCEED_SHARE_PTE);
                    } else {
                        writable |= Pte.writable(e);
                        if (khugepaged && Pte.young(e)) {
                            referenced++;
                        }
                    }
                }
                default -> r = ScanResult.SCAN_PTE_NON_PRESENT;
            }
        }
        if (r == null) {
            if (!writable) {
                r = ScanResult.SCAN_PAGE_RO;
            } else if (khugepaged && referenced == 0) {
                r = ScanResult.SCAN_LACK_REFERENCED_PAGE;
            } else {
                r = ScanResult.SCAN_SUCCEED;
            }
        }
        m.trace.emit("mm_collapse_huge_page_isolate", String.format(
                "scan_pfn=0x%x, none_or_zero=%d, referenced=%d, writable=%d, status=%s",
                firstPfn, none, referenced, writable ? 1 : 0, r.traceName()));
        return r;
    }

    @Override
    public void abortCollapse(CollapseTicket ticket) {
        Ticket t = (Ticket) ticket;
        if (t.hpage >= 0) {
            abort(t, ScanResult.SCAN_FAIL);
        }
    }

    /** Rolls a collapse back: the huge page goes back to the free lists; PTEs and pages were not touched. */
    private Ticket abortTicket(Ticket t, ScanResult r) {
        if (t.hpage >= 0) {
            m.folios.freeUnused(t.hpage, HPAGE_PMD_ORDER);
            t.hpage = -1;
        }
        t.result = r;
        m.trace.emit("mm_collapse_huge_page", "mm=" + t.mm.name + ", isolated=0, status=" + r.traceName());
        return t;
    }

    private ScanResult abort(Ticket t, ScanResult r) {
        return abortTicket(t, r).result;
    }

    private ScanResult finish(Ticket t, ScanResult r) {
        t.result = r;
        m.trace.emit("mm_collapse_huge_page", "mm=" + t.mm.name + ", isolated=" + (r == ScanResult.SCAN_SUCCEED ? 1 : 0)
                + ", status=" + r.traceName());
        return r;
    }

    // ----------------------------------------------------------------------------------------
    // The mmap lock and khugepaged's own counters.

    @Override
    public void lockMmapWrite(int id) {
        AddressSpace mm = any(id);
        if (mm.mmapWriteSince >= 0) {
            throw new IllegalStateException("the mmap lock of " + mm.name + " is already held for write");
        }
        m.clock.charge(CostModel.MMAP_LOCK);
        mm.mmapWriteSince = m.clock.now();
        lockWriteAcquisitions++;
    }

    @Override
    public void unlockMmapWrite(int id) {
        AddressSpace mm = any(id);
        if (mm.mmapWriteSince < 0) {
            throw new IllegalStateException("the mmap lock of " + mm.name + " is not held for write");
        }
        long held = m.clock.now() - mm.mmapWriteSince;
        lockWriteNs += held;
        lockWriteMaxNs = Math.max(lockWriteMaxNs, held);
        mm.mmapWriteSince = -1;
    }

    @Override
    public List<org.thplab.mm.spi.ReservationInfo> reservations() {
        return m.reservations.all();
    }

    @Override
    public ScanResult promoteReservation(int id, long address) {
        AddressSpace mm = any(id);
        var r = mm.reservations.get(address);
        if (r == null) {
            return ScanResult.SCAN_FAIL;
        }
        return m.reservations.promote(r);
    }

    @Override
    public ScanResult promoteByMigration(int id, long address) {
        return m.migrations.start(any(id), address);
    }

    @Override
    public void countPagesCollapsed() {
        pagesCollapsed++;
    }

    @Override
    public void countFullScan() {
        fullScans++;
    }

    /** Marks the frame as having an uncorrectable memory error (for the poison command). */
    void poison(int pfn) {
        if (poisoned == null) {
            poisoned = new BitSet(f.nr);
        }
        poisoned.set(pfn);
    }

    /** Collapses prepared and neither committed nor aborted yet. */
    private final List<Ticket> open = new ArrayList<>();

    /**
     * After a promoter's call: no mmap lock stays held and no prepared collapse stays open (its
     * huge page would leak); a promoter that left either behind is stopped.
     */
    void cleanupAfter(Object promoter) {
        boolean lock = false;
        for (AddressSpace mm : m.mms.values()) {
            if (mm.mmapWriteSince >= 0) {
                unlockMmapWrite(mm.id);
                lock = true;
            }
        }
        boolean tickets = false;
        for (Ticket t : new ArrayList<>(open)) {
            if (t.hpage >= 0) {
                abortTicket(t, ScanResult.SCAN_FAIL);
                tickets = true;
            }
        }
        open.clear();
        if (lock) {
            m.policyFailed(promoter, "left the mmap lock held for write");
        }
        if (tickets) {
            m.policyFailed(promoter, "left a prepared collapse neither committed nor aborted");
        }
    }
}
