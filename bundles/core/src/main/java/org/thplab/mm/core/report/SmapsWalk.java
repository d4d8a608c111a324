package org.thplab.mm.core.report;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.vma.AddressSpace;

/**
 * The page-table walk of /proc/PID/smaps for one VMA, as fs/proc/task_mmu.c of Linux 6.18 does
 * it: smaps_pte_entry() and smaps_pmd_entry() find the page of each entry, smaps_account() and
 * smaps_page_accumulate() add it up. Sizes in bytes; Pss, Pss_Dirty and SwapPss in the kernel's
 * fixed point (bytes shifted left by {@link #PSS_SHIFT}), so that the divisions round as the
 * kernel's do. This box's kernel has CONFIG_PAGE_MAPCOUNT, so a page of a mapped-more-than-once
 * folio is shared by its own precise mapcount (folio_precise_page_mapcount()).
 */
final class SmapsWalk {
    static final int PSS_SHIFT = 12;

    private final Frames f;
    private final SwapDevice swap;

    long resident;
    long pss;
    long pssDirty;
    long sharedClean;
    long sharedDirty;
    long privateClean;
    long privateDirty;
    long referenced;
    long anonymous;
    long anonymousThp;
    long swapped;
    long swapPss;

    SmapsWalk(Frames f, SwapDevice swap) {
        this.f = f;
        this.swap = swap;
    }

    /** smaps_pte_range() over [from, to), one PMD at a time. */
    void walk(AddressSpace mm, long from, long to) {
        for (long va = from; va < to; ) {
            long segEnd = Math.min(to, (va & ~(PMD_SIZE - 1)) + PMD_SIZE);
            PmdTable t = mm.pt.lookup(va);
            if (t != null) {
                int i = PageTable.pmdIndex(va);
                PteTable ptes = t.pte[i];
                if (ptes == null) {
                    pmdEntry(t.pmd[i]);
                } else {
                    for (long a = va; a < segEnd; a += PAGE_SIZE) {
                        pteEntry(ptes.get(PageTable.pteIndex(a)));
                    }
                }
            }
            va = segEnd;
        }
    }

    /**
     * smaps_pte_entry(): a present PTE's page (vm_normal_page(): not the zero page), a swap entry's
     * slot, a migration entry's page (not present: counted whole and shared).
     */
    private void pteEntry(long e) {
        switch (Pte.kind(e)) {
            case Pte.PRESENT -> account(Pte.pfn(e), false, Pte.young(e), dirty(e), true);
            case Pte.MIGRATION -> account(Pte.pfn(e), false, false, false, false);
            case Pte.SWAP -> {
                swapped += PAGE_SIZE;
                int n = swap.count[Pte.pfn(e)]; // swp_swapcount()
                swapPss += n >= 2 ? (PAGE_SIZE << PSS_SHIFT) / n : PAGE_SIZE << PSS_SHIFT;
            }
            default -> { } // none, the zero page
        }
    }

    /** smaps_pmd_entry(): an anonymous THP mapped by this PMD (vm_normal_page_pmd(): not the huge zero page). */
    private void pmdEntry(long e) {
        if (Pte.kind(e) != Pte.HUGE) {
            return;
        }
        anonymousThp += PMD_SIZE;
        account(Pte.pfn(e), true, Pte.young(e), dirty(e), true);
    }

    private static boolean dirty(long e) {
        return (e & Pte.DIRTY) != 0;
    }

    /**
     * smaps_account(): the page at {@code pfn} (or, for a PMD, the whole folio headed there). A
     * folio whose only reference is this entry, or an entry that is not present, counts whole;
     * otherwise each page by its precise mapcount (its PTE mapcount plus the folio's PMD mappings).
     */
    private void account(int pfn, boolean compound, boolean young, boolean dirty, boolean present) {
        int h = f.head(pfn);
        int nr = compound ? 1 << f.order[h] : 1;
        long size = nr * PAGE_SIZE;
        anonymous += size; // every folio thplab maps is anonymous and swap-backed: no LazyFree
        resident += size;
        if (young) {
            referenced += size; // thplab keeps no PG_referenced or idle bit: the entry's young bit
        }
        if (f.ref[h] == 1 || !present) {
            accumulate(size, size << PSS_SHIFT, dirty, present);
            return;
        }
        int pmdMaps = f.order[h] == HPAGE_PMD_ORDER && Frames.isAnon(f.type[h]) ? f.entireMapcount[h >> HPAGE_PMD_ORDER] : 0;
        for (int k = 0; k < nr; k++) {
            int mapcount = f.map[pfn + k] + pmdMaps; // folio_precise_page_mapcount()
            long share = PAGE_SIZE << PSS_SHIFT;
            if (mapcount >= 2) {
                share /= mapcount;
            }
            accumulate(PAGE_SIZE, share, dirty, mapcount < 2);
        }
    }

    /** smaps_page_accumulate(). */
    private void accumulate(long size, long share, boolean dirty, boolean exclusive) {
        pss += share;
        if (dirty) {
            pssDirty += share;
            if (exclusive) {
                privateDirty += size;
            } else {
                sharedDirty += size;
            }
        } else if (exclusive) {
            privateClean += size;
        } else {
            sharedClean += size;
        }
    }

    static long kb(long bytes) {
        return bytes >> 10;
    }

    static long pssKb(long fixed) {
        return fixed >> PSS_SHIFT >> 10;
    }
}
