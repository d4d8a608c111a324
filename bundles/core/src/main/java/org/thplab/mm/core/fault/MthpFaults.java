package org.thplab.mm.core.fault;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;

import org.thplab.mm.core.alloc.Allocator;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.folio.Mthps;
import org.thplab.mm.core.folio.PageTables;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.trace.Tracer;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.alloc.AllocPurpose;

/**
 * do_anonymous_page() with a folio from alloc_anon_folio() (Linux 6.8, multi-size THP): the
 * mechanism behind {@code AnonFault.mapNewLargeFolio(order)}.
 */
final class MthpFaults {
    private final Clock clock;
    private final Tracer trace;
    private final Allocator allocator;
    private final Folios folios;
    private final PageTables tables;

    MthpFaults(Kernel k, Allocator allocator, Folios folios, PageTables tables) {
        this.clock = k.clock();
        this.trace = k.trace();
        this.allocator = allocator;
        this.folios = folios;
        this.tables = tables;
    }

    /**
     * The naturally aligned range of 2^order pages around {@code va} must lie inside the VMA
     * (thp_vma_suitable_order()) and every PTE of it be none (pte_range_none(): the zero page is
     * not none). The PTE table comes first (pte_alloc() at the top of do_anonymous_page()); then
     * the folio, through the allocation policy as a THP fault's ({@code FAULT_THP}, the same
     * vma_thp_gfp_mask()); a failure counts {@code anon_fault_fallback}. A new folio is zeroed
     * and all its pages mapped writable, dirty and young (set_ptes()), counting
     * {@code anon_fault_alloc}.
     */
    FaultOutcome map(AddressSpace mm, Vma vma, long va, boolean write, PmdTable t, int slot, int order) {
        if (order < 2 || order >= HPAGE_PMD_ORDER) {
            throw new IllegalArgumentException("mapNewLargeFolio: order must be 2 to 8, not " + order);
        }
        int n = 1 << order;
        long start = va & -(n * PAGE_SIZE);
        if (!write || start < vma.start || start + n * PAGE_SIZE > vma.end || t.pmd[slot] != 0) {
            return FaultOutcome.FALLBACK; // a read maps the zero page; a huge PMD is not this path's
        }
        int j0 = PageTable.pteIndex(start);
        PteTable ptes = t.pte[slot];
        if (ptes != null) {
            for (int k = 0; k < n; k++) {
                if (ptes.get(j0 + k) != Pte.NONE) {
                    return FaultOutcome.FALLBACK;
                }
            }
        } else {
            ptes = tables.allocPteTable(mm, t, slot);
            if (ptes == null) {
                return FaultOutcome.OOM;
            }
        }
        mm.anonVmaPrepare(vma);
        int h = allocator.alloc(order, AllocPurpose.FAULT_THP, vma.hugepage());
        if (h < 0) {
            folios.mthps.count(order, Mthps.ANON_FAULT_FALLBACK);
            trace(mm, start, order, "fallback");
            return FaultOutcome.FALLBACK;
        }
        clock.charge(CostModel.ZERO_4K * n);
        folios.initAnon(h, order, mm.family.id, (int) (start >>> 12));
        for (int k = 0; k < n; k++) {
            ptes.set(j0 + k, Pte.make(Pte.PRESENT, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, h + k));
            folios.addPteRmap(h + k, mm.id);
        }
        mm.rssAnon += n;
        folios.mthps.count(order, Mthps.ANON_FAULT_ALLOC);
        trace(mm, start, order, "alloc");
        return FaultOutcome.MAPPED;
    }

    private void trace(AddressSpace mm, long start, int order, String result) {
        if (trace.on(Tracer.FAULT)) {
            trace.emit(Tracer.FAULT, "thplab_thp_fault", String.format("mm=%s address=0x%x order=%d result=%s",
                    mm.name, start, order, result));
        }
    }
}
