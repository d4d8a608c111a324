package org.thplab.mm.core.folio;

import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;

/** folio_pte_batch(): the PTEs that a zap, a pageout or a collapse takes in one batch. */
final class PteBatch {
    private PteBatch() { }

    /**
     * @return how many PTEs from {@code j} (below {@code end}) map the consecutive pages
     *     {@code pfn}, {@code pfn + 1}, ... of one folio; at least 1 (the PTE at {@code j} maps {@code pfn})
     */
    static int count(Frames f, PteTable ptes, int j, int end, int pfn) {
        int n = 1;
        int order = f.order[pfn];
        if (order == 0 || !Frames.isAnon(f.type[pfn])) {
            return n;
        }
        int folioEnd = f.head(pfn) + (1 << order);
        while (j + n < end && pfn + n < folioEnd) {
            long e = ptes.get(j + n);
            if (Pte.kind(e) != Pte.PRESENT || Pte.pfn(e) != pfn + n) {
                break;
            }
            n++;
        }
        return n;
    }
}
