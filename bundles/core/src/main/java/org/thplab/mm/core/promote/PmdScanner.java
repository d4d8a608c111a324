package org.thplab.mm.core.promote;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.trace.Tracer;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmSlots;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.promote.PmdScan;
import org.thplab.mm.spi.promote.ScanResult;

/**
 * khugepaged's look at one PMD: hpage_collapse_scan_pmd() of Linux 6.18 with the max_ptes_*
 * limits and the referenced check (khugepaged only), and hugepage_vma_revalidate() /
 * find_pmd_or_thp_or_none(), which collapse repeats after every step that may have let the
 * range change. Since 6.18 a range of read-only PTEs collapses too (no SCAN_PAGE_RO).
 */
final class PmdScanner {
    private final Frames f;
    private final Clock clock;
    private final VmStat stat;
    private final Tracer trace;
    private final PolicyGuard guard;
    private final ThpTunables tunables;
    private final MmSlots slots;
    private final Folios folios;

    PmdScanner(Kernel k, MmSlots slots, Folios folios) {
        this.folios = folios;
        this.f = k.f();
        this.clock = k.clock();
        this.stat = k.stat();
        this.trace = k.trace();
        this.guard = k.guard();
        this.tunables = k.tunables();
        this.slots = slots;
    }

    /** hugepage_vma_revalidate() and find_pmd_or_thp_or_none(): SCAN_SUCCEED when the range can still be collapsed. */
    ScanResult revalidate(AddressSpace mm, long haddr, boolean khugepaged) {
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
        if (!slots.allowed(v, khugepaged)) {
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

    /** hpage_collapse_scan_pmd(): the checks of one PMD's PTEs, in the kernel's order. */
    PmdScan scanPmd(AddressSpace mm, long haddr, boolean khugepaged) {
        guard.checkBudget();
        clock.charge(CostModel.SCAN_PMD);
        ScanResult r = revalidate(mm, haddr, false);
        int none = 0;
        int unmapped = 0;
        int shared = 0;
        int referenced = 0;
        boolean writable = false;
        int firstPfn = -1;
        if (r == ScanResult.SCAN_SUCCEED) {
            long maxNone = tunables.number("khugepaged/max_ptes_none");
            long maxSwap = tunables.number("khugepaged/max_ptes_swap");
            long maxShared = tunables.number("khugepaged/max_ptes_shared");
            PteTable ptes = mm.pt.lookup(haddr).pte[PageTable.pmdIndex(haddr)];
            r = null;
            for (int j = 0; j < 512 && r == null; j++) {
                long e = ptes.get(j);
                switch (Pte.kind(e)) {
                    case Pte.SWAP -> {
                        if (++unmapped > maxSwap && khugepaged) {
                            r = ScanResult.SCAN_EXCEED_SWAP_PTE;
                            stat.count(VmEvent.THP_SCAN_EXCEED_SWAP_PTE);
                        }
                    }
                    case Pte.EMPTY, Pte.ZERO -> {
                        if (++none > maxNone && khugepaged) {
                            r = ScanResult.SCAN_EXCEED_NONE_PTE;
                            stat.count(VmEvent.THP_SCAN_EXCEED_NONE_PTE);
                        }
                    }
                    case Pte.PRESENT -> {
                        writable |= Pte.writable(e); // noted for PmdScan, no longer a condition (6.18)
                        int p = Pte.pfn(e);
                        if (firstPfn < 0) {
                            firstPfn = p;
                        }
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
                // 6.18: no writable check (SCAN_PAGE_RO) any more; the referenced check is khugepaged's.
                if (khugepaged && (referenced == 0 || (unmapped > 0 && referenced < HPAGE_PMD_NR / 2))) {
                    r = ScanResult.SCAN_LACK_REFERENCED_PAGE;
                } else {
                    r = ScanResult.SCAN_SUCCEED;
                }
            }
        }
        if (trace.on()) { // formatted only when someone records it; 6.18's fields, without writable
            trace.emit("mm_khugepaged_scan_pmd", String.format(
                    "mm=%s, scan_pfn=0x%x, referenced=%d, none_or_zero=%d, status=%s, unmapped=%d",
                    mm.name, Math.max(firstPfn, 0), referenced, none, r.traceName(), unmapped));
        }
        return new PmdScan(r, haddr, none, unmapped, shared, referenced, writable);
    }
}
