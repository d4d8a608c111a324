package org.thplab.mm.core.folio;

import static org.thplab.mm.core.frames.Frames.ANON;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;

import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Tasks;

/**
 * Splitting huge pages, after the THP refcounting rework: split_huge_pmd() never fails (a PMD
 * becomes 512 PTEs to the same pages), split_huge_page() turns a folio into base pages, and
 * deferred_split_scan() splits what the deferred split queue holds.
 */
public final class HugeSplit {
    private final Frames f;
    private final Buddy buddy;
    private final Clock clock;
    private final VmStat stat;
    private final Tasks tasks;
    private final Folios folios;
    private final ZeroPages zero;

    public HugeSplit(Kernel k, Folios folios, ZeroPages zero) {
        this.f = k.f();
        this.buddy = k.buddy();
        this.clock = k.clock();
        this.stat = k.stat();
        this.tasks = k.tasks();
        this.folios = folios;
        this.zero = zero;
    }

    /**
     * __split_huge_pmd_locked(): replace the huge PMD at slot {@code i} by the deposited PTE
     * table, filled with 512 PTEs mapping the same pages (or the zero page). Never fails.
     */
    public void splitHugePmd(AddressSpace mm, PmdTable t, int i, long haddr) {
        long pmd = t.pmd[i];
        stat.count(VmEvent.THP_SPLIT_PMD);
        clock.charge(CostModel.SPLIT_PMD + CostModel.TLB_FLUSH);
        PteTable ptes = new PteTable();
        if (Pte.kind(pmd) == Pte.HUGE_ZERO) {
            long z = Pte.make(Pte.ZERO, 0, zero.zeroPfn);
            ptes.fill(z);
            zero.hugeZeroUsers--;
        } else {
            int h = Pte.pfn(pmd);
            long flags = pmd & (Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE);
            int b = h >> HPAGE_PMD_ORDER;
            for (int k = 0; k < HPAGE_PMD_NR; k++) {
                ptes.set(k, Pte.make(Pte.PRESENT, flags, h + k));
                if (f.map[h + k]++ == 0) {
                    f.nrPagesMapped[b]++;
                }
            }
            // One PMD reference becomes 512 PTE references.
            f.ref[h] += HPAGE_PMD_NR - 1;
            if (--f.entireMapcount[b] == 0) {
                folios.nrAnonThps--;
            }
        }
        t.pte[i] = ptes;
        t.pmd[i] = 0;
    }

    /**
     * split_huge_page(): splits a PMD-sized folio into 512 base-page folios, splitting every PMD
     * that maps it first; subpages that nothing maps are freed.
     *
     * @return base pages freed
     */
    public long splitFolio(int h) {
        int b = h >> HPAGE_PMD_ORDER;
        if (f.entireMapcount[b] > 0) {
            int vpn = f.index[h];
            long haddr = (long) vpn << 12;
            for (AddressSpace mm : tasks.family(f.owner[h])) {
                PmdTable t = mm.pt.lookup(haddr);
                if (t == null) {
                    continue;
                }
                int i = PageTable.pmdIndex(haddr);
                if (t.pte[i] == null && Pte.kind(t.pmd[i]) == Pte.HUGE && Pte.pfn(t.pmd[i]) == h) {
                    splitHugePmd(mm, t, i, haddr);
                }
            }
        }
        folios.dequeue(b);
        stat.count(VmEvent.THP_SPLIT_PAGE);
        clock.charge(CostModel.SPLIT_FOLIO);
        long freed = 0;
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            int p = h + k;
            f.type[p] = ANON;
            f.order[p] = 0;
            f.ref[p] = f.map[p];
        }
        f.entireMapcount[b] = 0;
        f.nrPagesMapped[b] = 0;
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            int p = h + k;
            if (f.ref[p] == 0) {
                folios.nrAnon--;
                buddy.free(p, 0);
                freed++;
            }
        }
        return freed;
    }

    /** deferred_split_scan(): split up to {@code max} queued folios; returns base pages freed. */
    public long splitDeferred(long max) {
        long freed = 0;
        for (long n = 0; n < max && folios.dsHead >= 0; n++) {
            int b = folios.dsHead;
            freed += splitFolio(b << HPAGE_PMD_ORDER);
        }
        return freed;
    }
}
