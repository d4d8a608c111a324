package org.thplab.mm.core.reclaim;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.folio.HugeSplit;
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
                mm.rssAnon--;
                mm.swapEntries++;
                folios.removePteRmap(p);
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
     * A THP: swapped out whole into a free cluster when it is mapped only by PMDs (THP_SWAP;
     * try_to_unmap() splits each PMD into 512 swap PTEs), else split and left to be swapped out
     * page by page (thp_swpout_fallback).
     */
    public void swapOutThp(int h) {
        int b = h >> HPAGE_PMD_ORDER;
        int cluster = f.nrPagesMapped[b] == 0 && f.entireMapcount[b] > 0 ? swap.allocCluster() : -1;
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
                folios.removePteRmap(h + k);
            }
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
     * MADV_PAGEOUT (madvise_cold_or_pageout_pte_range with pageout): pages mapped by this process
     * alone are reclaimed at once, young or not; a huge PMD the range covers whole is swapped out
     * as a THP, one it covers in part is split first; a PTE-mapped THP is split. Without swap
     * space nothing happens.
     */
    public void pageout(AddressSpace mm, long from, long to) {
        if (swap == null) {
            return;
        }
        for (long va = from; va < to; ) {
            long pmdStart = va & ~(PMD_SIZE - 1);
            long segEnd = Math.min(to, pmdStart + PMD_SIZE);
            PmdTable t = mm.pt.lookup(va);
            if (t == null) {
                va = segEnd;
                continue;
            }
            int i = PageTable.pmdIndex(va);
            if (t.pte[i] == null && Pte.kind(t.pmd[i]) == Pte.HUGE) {
                int h = Pte.pfn(t.pmd[i]);
                if (f.ref[h] != 1) {
                    va = segEnd; // folio_likely_mapped_shared(): skip
                    continue;
                }
                if (va == pmdStart && segEnd == pmdStart + PMD_SIZE) {
                    swapOutThp(h);
                    if (t.pte[i] == null && t.pmd[i] != 0) {
                        va = segEnd; // no cluster: swapOutThp split it; pages follow below
                        continue;
                    }
                } else {
                    split.splitHugePmd(mm, t, i, pmdStart);
                }
            }
            PteTable ptes = t.pte[i];
            if (ptes != null) {
                for (long a = va; a < segEnd; a += PAGE_SIZE) {
                    long e = ptes.get(PageTable.pteIndex(a));
                    if (Pte.kind(e) != Pte.PRESENT) {
                        continue;
                    }
                    int p = Pte.pfn(e);
                    if (f.order[p] == HPAGE_PMD_ORDER) {
                        int h = f.head(p);
                        if (f.ref[h] != f.nrPagesMapped[h >> HPAGE_PMD_ORDER]) {
                            continue; // some page of it is shared
                        }
                        split.splitFolio(h);
                        e = ptes.get(PageTable.pteIndex(a));
                        if (Pte.kind(e) != Pte.PRESENT) {
                            continue;
                        }
                        p = Pte.pfn(e);
                    }
                    if (f.ref[p] == 1 && !swapOutPage(p)) {
                        return; // swap is full
                    }
                }
            }
            va = segEnd;
        }
    }
}
