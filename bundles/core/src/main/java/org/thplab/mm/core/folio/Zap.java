package org.thplab.mm.core.folio;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.mmu.Mmu;
import org.thplab.mm.core.mmu.Mmus;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.vma.AddressSpace;

/** Unmapping: zap_page_range() and zap_huge_pmd(), for munmap, MADV_DONTNEED and exit. */
public final class Zap {
    private final Clock clock;
    private final SwapDevice swap;
    private final Folios folios;
    private final HugeSplit split;
    private final PageTables tables;
    private final ZeroPages zero;
    private final Mmus mmus;

    public Zap(Clock clock, SwapDevice swap, Folios folios, HugeSplit split, PageTables tables, ZeroPages zero, Mmus mmus) {
        this.clock = clock;
        this.mmus = mmus;
        this.swap = swap;
        this.folios = folios;
        this.split = split;
        this.tables = tables;
        this.zero = zero;
    }

    /**
     * zap_page_range(): unmaps [from, to), splitting huge PMDs that the range covers in part.
     * The caller releases the range's reservations first.
     */
    public void zapRange(AddressSpace mm, long from, long to) {
        zapRange(mm, from, to, false);
    }

    /**
     * MADV_DONTNEED's zap (madvise_dontneed_single_vma(), {@code details.reclaim_pt}): as
     * {@link #zapRange(AddressSpace, long, long)}, and a PTE table whose whole 2 MiB the range
     * covers is freed once empty (CONFIG_PT_RECLAIM, since Linux 6.14: zap_pte_range() ->
     * try_to_free_pte()), so the PMD is none again and the next fault may map a THP there.
     */
    public void zapRange(AddressSpace mm, long from, long to, boolean reclaimPt) {
        mm.updateHiwaterRss(); // as unmap_region() and zap_page_range_single() before they unmap
        boolean any = false;
        // The mmu_gather: what was cleared, for the one flush at its end (tlb_finish_mmu()).
        long lo = Long.MAX_VALUE;
        long hi = 0;
        boolean clearedPtes = false;
        boolean freedTables = false;
        for (long va = from; va < to; ) {
            long pmdStart = va & ~(PMD_SIZE - 1);
            long segEnd = Math.min(to, pmdStart + PMD_SIZE);
            PmdTable t = mm.pt.lookup(va);
            if (t == null) {
                va = segEnd;
                continue;
            }
            int i = PageTable.pmdIndex(va);
            if (t.pte[i] == null && t.pmd[i] != 0) {
                if (va == pmdStart && segEnd == pmdStart + PMD_SIZE) {
                    zapHugePmd(mm, t, i);
                    any = true;
                    lo = Math.min(lo, pmdStart);
                    hi = Math.max(hi, segEnd);
                    va = segEnd;
                    continue;
                }
                split.splitHugePmd(mm, t, i, pmdStart);
            }
            PteTable ptes = t.pte[i];
            if (ptes != null) {
                int end = PageTable.pteIndex(segEnd - 1) + 1;
                for (int j = PageTable.pteIndex(va); j < end; ) {
                    long e = ptes.get(j);
                    if (e == Pte.NONE) {
                        j++;
                        continue;
                    }
                    any = true;
                    clearedPtes = true;
                    lo = Math.min(lo, pmdStart + ((long) j << 12));
                    hi = Math.max(hi, segEnd);
                    if (Pte.kind(e) == Pte.PRESENT) { // in batches of one folio's PTEs: a THP's, an mTHP's, or one base page's
                        j += zapPresentPtes(mm, ptes, j, end, Pte.pfn(e));
                        continue;
                    }
                    zapPte(mm, e);
                    ptes.set(j, Pte.NONE);
                    j++;
                }
                if (reclaimPt && va == pmdStart && segEnd == pmdStart + PMD_SIZE) {
                    // reclaim_pt_is_enabled(): the zap covered the whole table, so every entry is none
                    tables.freePgtableFrame(mm, t.tableFrame[i]);
                    t.remove(i);
                    t.tableFrame[i] = -1;
                    t.used--;
                    freedTables = true;
                }
            }
            va = segEnd;
        }
        if (any) {
            clock.charge(CostModel.TLB_FLUSH);
            // x86 tlb_flush(): strides of tlb_get_unmap_shift(), PAGE_SHIFT once a PTE was cleared
            mmus.flushTlbMmRange(mmus.current(), mm.id, lo, hi, clearedPtes ? Mmu.PAGE_SHIFT : Mmu.PMD_SHIFT, freedTables);
        }
    }

    /**
     * zap_present_ptes(): the PTEs from {@code j} that map consecutive pages of the folio of
     * {@code pfn} (folio_pte_batch(), within the range of this PMD) go in one batch, so a large
     * folio (PMD-sized or mTHP) the range unmaps whole is freed without ever being partially
     * mapped: no thp_deferred_split_page, no split_deferred.
     *
     * @return PTEs zapped
     */
    private int zapPresentPtes(AddressSpace mm, PteTable ptes, int j, int end, int pfn) {
        int n = folios.pteBatch(ptes, j, end, pfn);
        for (int k = 0; k < n; k++) {
            ptes.set(j + k, Pte.NONE);
        }
        mm.rssAnon -= n;
        folios.removePteRmaps(pfn, n, mm.id);
        return n;
    }

    private void zapPte(AddressSpace mm, long e) {
        switch (Pte.kind(e)) {
            case Pte.PRESENT, Pte.MIGRATION -> {
                mm.rssAnon--;
                folios.removePteRmap(Pte.pfn(e), mm.id);
            }
            case Pte.SWAP -> {
                mm.swapEntries--;
                swap.put(Pte.pfn(e));
            }
            default -> { }
        }
    }

    /** zap_huge_pmd(): drops a huge PMD and frees its deposited page table. */
    public void zapHugePmd(AddressSpace mm, PmdTable t, int i) {
        long pmd = t.pmd[i];
        if (Pte.kind(pmd) == Pte.HUGE_ZERO) {
            zero.hugeZeroUsers--;
        } else {
            mm.rssAnon -= HPAGE_PMD_NR;
            folios.removePmdRmap(Pte.pfn(pmd), mm.id);
        }
        tables.freePgtableFrame(mm, t.tableFrame[i]);
        t.tableFrame[i] = -1;
        t.pmd[i] = 0;
        t.used--;
    }
}
