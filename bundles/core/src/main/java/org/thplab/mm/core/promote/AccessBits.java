package org.thplab.mm.core.promote;

import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.vma.AddressSpace;

/**
 * The accessed bits as DAMON's virtual-address operations read and clear them
 * (mm/damon/vaddr.c, mm/damon/ops-common.c): the huge PMD's bit for a PMD-mapped THP, else the
 * PTE's. Nothing present, nothing to read or clear.
 */
final class AccessBits {
    private AccessBits() {
    }

    /** damon_va_young(): pmd_young() of a huge PMD, else pte_young(). */
    static boolean young(AddressSpace mm, long va) {
        PmdTable t = mm.pt.lookup(va);
        if (t == null) {
            return false;
        }
        int i = PageTable.pmdIndex(va);
        long pmd = t.pmd[i];
        if (Pte.kind(pmd) == Pte.HUGE) {
            return Pte.young(pmd);
        }
        PteTable ptes = t.pte[i];
        if (ptes == null) {
            return false;
        }
        long e = ptes.get(PageTable.pteIndex(va));
        return Pte.kind(e) == Pte.PRESENT && Pte.young(e);
    }

    /** damon_va_mkold(): pmdp_test_and_clear_young() of a huge PMD, else ptep_test_and_clear_young(). */
    static void mkold(AddressSpace mm, long va) {
        PmdTable t = mm.pt.lookup(va);
        if (t == null) {
            return;
        }
        int i = PageTable.pmdIndex(va);
        long pmd = t.pmd[i];
        if (Pte.kind(pmd) == Pte.HUGE) {
            t.pmd[i] = pmd & ~Pte.YOUNG;
            return;
        }
        PteTable ptes = t.pte[i];
        if (ptes != null) {
            int j = PageTable.pteIndex(va);
            long e = ptes.get(j);
            if (Pte.kind(e) == Pte.PRESENT && Pte.young(e)) {
                ptes.set(j, e & ~Pte.YOUNG);
            }
        }
    }
}
