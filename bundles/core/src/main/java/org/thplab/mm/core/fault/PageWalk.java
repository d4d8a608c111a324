package org.thplab.mm.core.fault;

import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Region;

/**
 * The MMU's page walk where the page table serves an access without a fault: a present entry
 * that allows it gets its accessed bit, and for a store its dirty bit, and the store is recorded
 * in the content oracle ({@link PteFaults#store}). The fault paths end here too once an entry
 * serves the access.
 */
final class PageWalk {
    private final PteFaults pte;

    PageWalk(PteFaults pte) {
        this.pte = pte;
    }

    /**
     * An access the page table serves without a fault: a present entry that allows it (a store
     * needs a writable one), whose accessed and dirty bits it sets as the MMU's walk would.
     *
     * @return the page shift of the leaf that maps {@code va} (12 or 21), or 0 when the access faults
     */
    int hit(AddressSpace mm, Region r, long va, boolean write) {
        PmdTable t = mm.pt.lookup(va);
        if (t == null) {
            return 0;
        }
        if (!write && t.readHit(va)) {
            return Frames.PAGE_SHIFT; // a load this PTE served before, unchanged since (PmdTable.readHits)
        }
        int i = PageTable.pmdIndex(va);
        PteTable ptes = t.pte[i];
        if (ptes == null) {
            // A huge PMD, as access() reads it: a PTE table, when there is one, is what maps.
            long e = t.pmd[i];
            if (e == 0 || write && !Pte.writable(e)) {
                return 0;
            }
            servePmd(t, i, e, r, va, write);
            return PageTable.PMD_SHIFT;
        }
        int j = PageTable.pteIndex(va);
        long p = ptes.get(j);
        if (Pte.kind(p) == Pte.PRESENT && (!write || Pte.writable(p))) {
            servePte(ptes, j, p, r, va, write);
            if (!write && ptes.dense()) {
                t.markReadHit(i, j); // after the accessed bit is set: the next load changes nothing
            }
            return Frames.PAGE_SHIFT;
        }
        if (!write && Pte.kind(p) == Pte.ZERO) {
            if (ptes.dense()) {
                t.markReadHit(i, j);
            }
            return Frames.PAGE_SHIFT;
        }
        return 0;
    }

    /** @return the page shift of the leaf that maps {@code va} now that a fault has mapped it */
    int leafShift(AddressSpace mm, long va) {
        PmdTable t = mm.pt.lookup(va);
        return t != null && t.pte[PageTable.pmdIndex(va)] == null && t.pmd[PageTable.pmdIndex(va)] != 0
                ? PageTable.PMD_SHIFT : Frames.PAGE_SHIFT;
    }

    /** A huge PMD that allows the access serves it: the accessed bit, and for a store the dirty bit and the data. */
    void servePmd(PmdTable t, int i, long e, Region r, long va, boolean write) {
        long n = e | Pte.YOUNG | (write ? Pte.DIRTY : 0);
        if (n != e) { // no store when the bits are set already: the host's cache line stays clean
            t.pmd[i] = n;
        }
        if (write) {
            pte.store(r, va, Pte.pfn(e) + PageTable.pteIndex(va));
        }
    }

    /** A present PTE that allows the access serves it, as {@link #servePmd} for a base page. */
    void servePte(PteTable ptes, int j, long e, Region r, long va, boolean write) {
        long n = e | Pte.YOUNG | (write ? Pte.DIRTY : 0);
        if (n != e) {
            ptes.set(j, n);
        }
        if (write) {
            pte.store(r, va, Pte.pfn(e));
        }
    }
}
