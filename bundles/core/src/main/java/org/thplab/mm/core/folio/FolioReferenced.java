package org.thplab.mm.core.folio;

import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Tasks;

/**
 * The rmap walk over a folio's young bits: folio_referenced() (mm/rmap.c) for reclaim's CLOCK,
 * which clears what it finds, and the same walk without clearing (as DAMON's damon_folio_young()
 * tests them) for a CoW policy asking whether a THP is hot. One walk for both, so that the two
 * answers cannot drift apart.
 */
public final class FolioReferenced {
    private final Frames f;
    private final Tasks tasks;

    public FolioReferenced(Frames f, Tasks tasks) {
        this.f = f;
        this.tasks = tasks;
    }

    /**
     * @param h the folio's head frame (base or large)
     * @param clear clear the young bits found (folio_referenced()), or only test them
     * @return true when some PMD or PTE mapping of the folio, in any process of its family, is young
     */
    public boolean referenced(int h, boolean clear) {
        boolean young = false;
        int n = 1 << f.order[h]; // a folio's pages, base or large
        for (AddressSpace mm : tasks.family(f.owner[h])) {
            for (int k = 0; k < n; k++) {
                long va = (long) f.index(h + k) << 12;
                PmdTable t = mm.pt.lookup(va);
                if (t == null) {
                    break;
                }
                int i = PageTable.pmdIndex(va);
                PteTable ptes = t.pte[i];
                if (ptes == null) {
                    long pmd = t.pmd[i];
                    if (Pte.kind(pmd) == Pte.HUGE && Pte.pfn(pmd) == h && Pte.young(pmd)) {
                        if (!clear) {
                            return true;
                        }
                        t.pmd[i] = pmd & ~Pte.YOUNG;
                        young = true;
                    }
                    break;
                }
                int j = PageTable.pteIndex(va);
                long e = ptes.get(j);
                if (Pte.kind(e) == Pte.PRESENT && Pte.pfn(e) == h + k && Pte.young(e)) {
                    if (!clear) {
                        return true;
                    }
                    ptes.set(j, e & ~Pte.YOUNG);
                    young = true;
                }
            }
        }
        return young;
    }
}
