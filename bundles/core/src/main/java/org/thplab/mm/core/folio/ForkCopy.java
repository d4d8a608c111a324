package org.thplab.mm.core.folio;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Vma;

/** fork()'s copy of the page tables: copy_page_range(), copy_huge_pmd(), copy_present_pte(). */
public final class ForkCopy {
    private final SwapDevice swap;
    private final Folios folios;
    private final PageTables tables;
    private final ZeroPages zero;

    public ForkCopy(SwapDevice swap, Folios folios, PageTables tables, ZeroPages zero) {
        this.swap = swap;
        this.folios = folios;
        this.tables = tables;
        this.zero = zero;
    }

    /**
     * copy_page_range(): the child maps every page the parent maps; anonymous pages become
     * shared and both sides lose write permission and exclusivity (page_try_dup_anon_rmap).
     *
     * @return false when a page table for the child could not be allocated
     */
    public boolean copyPageTables(AddressSpace parent, AddressSpace child) {
        for (Vma v : parent.vmas) {
            if (!v.anonVma) {
                // vma_needs_copy(): without an anon_vma the parent maps at most the zero page
                // there; the child faults afresh and gets no page table now.
                continue;
            }
            for (long va = v.start & ~(PMD_SIZE - 1); va < v.end; va += PMD_SIZE) {
                PmdTable pt = parent.pt.lookup(va);
                if (pt == null) {
                    continue;
                }
                // copy_pud_range() and copy_pmd_range() allocate the child's PUD and PMD tables
                // where the parent has them, before they look at the entries.
                PmdTable ct = tables.pmdAlloc(child, va);
                if (ct == null) {
                    return false;
                }
                int i = PageTable.pmdIndex(va);
                PteTable ptes = pt.pte[i];
                long pmd = pt.pmd[i];
                if (ptes == null && pmd == 0) {
                    continue;
                }
                if (ct.pte[i] != null || ct.pmd[i] != 0) {
                    continue; // a PMD shared by two VMAs was copied with the first
                }
                if (ptes == null) {
                    // copy_huge_pmd(): the child needs its own deposited table.
                    int table = tables.allocPgtableFrame(child);
                    if (table < 0) {
                        return false;
                    }
                    if (Pte.kind(pmd) == Pte.HUGE_ZERO) {
                        zero.hugeZeroUsers++;
                        ct.pmd[i] = pmd;
                    } else {
                        long shared = pmd & ~(Pte.WRITE | Pte.EXCLUSIVE);
                        pt.pmd[i] = shared;
                        ct.pmd[i] = shared & ~Pte.YOUNG; // pmd_mkold(pmd_wrprotect(pmd)) for the child
                        folios.addPmdRmap(Pte.pfn(pmd), child.id);
                        child.rssAnon += HPAGE_PMD_NR;
                    }
                    ct.tableFrame[i] = table;
                    ct.used++;
                    continue;
                }
                PteTable cptes = tables.allocPteTable(child, ct, i);
                if (cptes == null) {
                    return false;
                }
                for (int j = 0; j < 512; j++) {
                    long e = ptes.get(j);
                    switch (Pte.kind(e)) {
                        case Pte.PRESENT -> {
                            long shared = e & ~(Pte.WRITE | Pte.EXCLUSIVE);
                            ptes.set(j, shared);
                            cptes.set(j, shared & ~Pte.YOUNG); // copy_present_pte(): pte_mkold() for the child
                            folios.addPteRmap(Pte.pfn(e), child.id);
                            child.rssAnon++;
                        }
                        case Pte.SWAP -> {
                            swap.count[Pte.pfn(e)]++;
                            child.swapEntries++;
                            cptes.set(j, e);
                        }
                        case Pte.ZERO -> cptes.set(j, e);
                        default -> { }
                    }
                }
            }
        }
        return true;
    }
}
