package org.thplab.mm.core.reclaim;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.folio.HugeSplit;
import org.thplab.mm.core.folio.Mthps;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Tasks;

/**
 * Swap-out: of a base page from every mapping (try_to_unmap() and add_to_swap()), of a whole
 * THP into a cluster (THP_SWAP), and MADV_PAGEOUT of a range.
 */
public final class SwapOut {
    private final Frames f;
    private final Clock clock;
    private final VmStat stat;
    private final SwapDevice swap;
    private final Tasks tasks;
    private final Folios folios;
    private final HugeSplit split;

    public SwapOut(Kernel k, Folios folios, HugeSplit split) {
        this.f = k.f();
        this.clock = k.clock();
        this.stat = k.stat();
        this.swap = k.swap();
        this.tasks = k.tasks();
        this.folios = folios;
        this.split = split;
    }

    /** Swaps out one base page from every mapping (try_to_unmap + add_to_swap). */
    public boolean swapOutPage(int p) {
        int slot = swap.alloc();
        if (slot < 0) {
            return false;
        }
        swap.content[slot] = f.content[p];
        swap.count[slot] = 0;
        long va = (long) f.index[p] << 12;
        for (AddressSpace mm : tasks.family(f.owner[p]).toArray(new AddressSpace[0])) {
            PmdTable t = mm.pt.lookup(va);
            if (t == null || t.pte[PageTable.pmdIndex(va)] == null) {
                continue;
            }
            PteTable ptes = t.pte[PageTable.pmdIndex(va)];
            int j = PageTable.pteIndex(va);
            if (Pte.kind(ptes.get(j)) == Pte.PRESENT && Pte.pfn(ptes.get(j)) == p) {
                swap.count[slot]++;
                ptes.set(j, Pte.make(Pte.SWAP, 0, slot));
                mm.updateHiwaterRss();
                mm.rssAnon--;
                mm.swapEntries++;
                folios.removePteRmap(p, mm.id);
            }
        }
        if (swap.count[slot] == 0) {
            swap.count[slot] = 1;
            swap.put(slot);
        }
        stat.count(VmEvent.PSWPOUT);
        clock.charge(CostModel.SWAP_OUT_4K + CostModel.TLB_FLUSH);
        return true;
    }

    /**
     * shrink_folio_list() on a THP: a partially mapped one is split at once (its unmapped pages
     * freed without IO); else folio_alloc_swap() of a whole cluster, which thplab grants only to a
     * THP mapped by PMDs alone (THP_SWAP; try_to_unmap() splits each PMD into 512 swap PTEs). When
     * that fails (no swap device, no free cluster, PTE-mapped) the folio is split and its pages are
     * left to be swapped out one by one ({@code thp_swpout_fallback}).
     */
    public void swapOutThp(int h) {
        int b = h >> HPAGE_PMD_ORDER;
        if (folios.partiallyMapped(h)) {
            split.splitFolio(h);
            return;
        }
        int cluster = swap != null && f.nrPagesMapped[b] == 0 && f.entireMapcount[b] > 0 ? swap.allocCluster() : -1;
        if (cluster < 0) {
            stat.count(VmEvent.THP_SWPOUT_FALLBACK);
            split.splitFolio(h);
            return;
        }
        System.arraycopy(f.content, h, swap.content, cluster, HPAGE_PMD_NR);
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            swap.count[cluster + k] = 0;
        }
        long haddr = (long) f.index[h] << 12;
        for (AddressSpace mm : tasks.family(f.owner[h]).toArray(new AddressSpace[0])) {
            PmdTable t = mm.pt.lookup(haddr);
            int i = PageTable.pmdIndex(haddr);
            if (t == null || t.pte[i] != null || Pte.kind(t.pmd[i]) != Pte.HUGE || Pte.pfn(t.pmd[i]) != h) {
                continue;
            }
            split.splitHugePmd(mm, t, i, haddr);
            PteTable ptes = t.pte[i];
            for (int k = 0; k < HPAGE_PMD_NR; k++) {
                ptes.set(k, Pte.make(Pte.SWAP, 0, cluster + k));
                swap.count[cluster + k]++;
                folios.removePteRmap(h + k, mm.id);
            }
            mm.updateHiwaterRss();
            mm.rssAnon -= HPAGE_PMD_NR;
            mm.swapEntries += HPAGE_PMD_NR;
        }
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            if (swap.count[cluster + k] == 0) {
                swap.count[cluster + k] = 1;
                swap.put(cluster + k);
            }
        }
        stat.count(VmEvent.THP_SWPOUT);
        stat.count(VmEvent.PSWPOUT, HPAGE_PMD_NR);
        clock.charge(CostModel.SWAP_OUT_4K * HPAGE_PMD_NR);
    }

    /**
     * MADV_PAGEOUT: madvise_cold_or_pageout_pte_range() with pageout, then reclaim_pages() on what
     * it isolated, young or not. Folios another process maps too are skipped
     * (folio_maybe_mapped_shared()), and so is the huge zero page. A huge PMD the range covers
     * whole is reclaimed as a THP ({@link #swapOutThp}); one it covers in part is split
     * (split_folio()) and its pages in the range follow. A PTE-mapped THP whose PTEs in the range
     * map all of it is reclaimed whole, else it is split. A base page mapped once is swapped out
     * if swap has room; without swap it stays (folio_alloc_swap() fails), but the THPs were split
     * all the same.
     */
    public void pageout(AddressSpace mm, long from, long to) {
        for (long va = from; va < to; ) {
            long pmdStart = va & ~(PMD_SIZE - 1);
            long segEnd = Math.min(to, pmdStart + PMD_SIZE);
            PmdTable t = mm.pt.lookup(va);
            int i = PageTable.pmdIndex(va);
            if (t != null && t.pte[i] == null && Pte.kind(t.pmd[i]) == Pte.HUGE) {
                int h = Pte.pfn(t.pmd[i]);
                if (folios.maybeMappedShared(h)) {
                    va = segEnd; // mapped by another mm too: skip
                    continue;
                }
                if (va == pmdStart && segEnd == pmdStart + PMD_SIZE) {
                    swapOutThp(h); // swapped out whole, or split: its pages follow below
                } else {
                    split.splitFolio(h);
                }
            }
            PteTable ptes = t == null ? null : t.pte[i];
            if (ptes != null) {
                pageoutPtes(ptes, PageTable.pteIndex(va), PageTable.pteIndex(segEnd - 1) + 1);
            }
            va = segEnd;
        }
    }

    /**
     * An mTHP in madvise_cold_or_pageout_pte_range(): mapped here in part, it is split unless
     * another mm maps it too; mapped whole and by this mm alone, it is reclaimed, which thplab
     * does as shrink_folio_list() does without room for it in swap: split it
     * ({@code swpout_fallback}) and let its pages follow. @return the PTE to look at next
     */
    private int pageoutMthp(PteTable ptes, int j, int end, int p) {
        int h = f.head(p);
        int n = 1 << f.order[h];
        int nr = folios.pteBatch(ptes, j, end, p);
        if (nr < n) {
            if (folios.maybeMappedShared(h)) {
                return j + nr;
            }
            split.splitMthp(h); // then this PTE again: a base page or the zero page
            return j;
        }
        if (f.ref[h] != n) {
            return j + nr; // folio_mapcount() != folio_nr_pages(): not this mm's alone
        }
        splitMthpForReclaim(h); // reclaimed as under pressure
        return j;
    }

    /** Reclaim of an mTHP under pressure: shrink_folio_list() splits what cannot go to swap whole. */
    public void splitMthpForReclaim(int h) {
        folios.mthps.count(f.order[h], Mthps.SWPOUT_FALLBACK);
        split.splitMthp(h);
    }

    /** The PTE part of madvise_cold_or_pageout_pte_range() over PTEs [j, end) of one table. */
    private void pageoutPtes(PteTable ptes, int j, int end) {
        while (j < end) {
            long e = ptes.get(j);
            if (Pte.kind(e) != Pte.PRESENT) {
                j++;
                continue;
            }
            int p = Pte.pfn(e);
            if (f.mthp(p)) {
                j = pageoutMthp(ptes, j, end, p);
                continue;
            }
            if (f.large(p)) {
                int h = f.head(p);
                // madvise_folio_pte_batch(): the PTEs from here that map the folio's next pages.
                int nr = folios.pteBatch(ptes, j, end, p);
                if (nr < HPAGE_PMD_NR) {
                    if (folios.maybeMappedShared(h)) {
                        j += nr;
                        continue;
                    }
                    split.splitFolio(h); // then look at this PTE again: a base page or the zero page
                    continue;
                }
                if (f.ref[h] == HPAGE_PMD_NR) {
                    swapOutThp(h); // folio_mapcount() == folio_nr_pages(): exclusive, reclaimed whole
                    continue;
                }
                j += nr;
                continue;
            }
            if (f.ref[p] == 1 && swap != null && swap.free() > 0) {
                swapOutPage(p);
            }
            j++;
        }
    }
}
