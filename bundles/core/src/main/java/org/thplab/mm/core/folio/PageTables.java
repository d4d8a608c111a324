package org.thplab.mm.core.folio;

import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.core.alloc.Allocator;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.spi.alloc.AllocPurpose;

/**
 * Page-table pages: __pud_alloc(), __pmd_alloc() and __pte_alloc() charge a zeroed unmovable
 * frame to the address space (mm_pgtables_bytes(), VmPTE), free_pgtables() gives back those no
 * VMA needs any more; nr_page_table_pages.
 */
public final class PageTables {
    private final Frames f;
    private final Buddy buddy;
    private final Clock clock;
    private final Allocator allocator;
    /** nr_page_table_pages. */
    public long pgtables;

    public PageTables(Kernel k, Allocator allocator) {
        this.f = k.f();
        this.buddy = k.buddy();
        this.clock = k.clock();
        this.allocator = allocator;
    }

    /** Allocates a PTE table for slot {@code i} (__pte_alloc); returns it, or null when out of memory. */
    public PteTable allocPteTable(AddressSpace mm, PmdTable t, int i) {
        int pt = allocPgtableFrame(mm);
        if (pt < 0) {
            return null;
        }
        PteTable ptes = new PteTable();
        t.install(i, ptes);
        t.tableFrame[i] = pt;
        t.used++;
        return ptes;
    }

    /**
     * __handle_mm_fault()'s pud_alloc() and pmd_alloc(): the PMD table covering {@code va},
     * allocated first if absent, and the PUD table above it. @return it, or null when out of memory
     */
    public PmdTable pmdAlloc(AddressSpace mm, long va) {
        PmdTable t = mm.pt.lookup(va);
        if (t != null) {
            return t;
        }
        if (mm.pt.pudFrame(va) < 0) {
            int pud = allocPgtableFrame(mm);
            if (pud < 0) {
                return null;
            }
            mm.pt.setPudFrame(va, pud); // populated at once: a later failure leaves it, as pud_alloc() does
        }
        int pmd = allocPgtableFrame(mm);
        if (pmd < 0) {
            return null;
        }
        t = mm.pt.get(va);
        t.frame = pmd;
        return t;
    }

    /** pte_alloc_one(): a zeroed, unmovable page for a page table, charged to {@code mm}; -1 when none. */
    public int allocPgtableFrame(AddressSpace mm) {
        int pt = allocator.alloc(0, AllocPurpose.KERNEL, false);
        if (pt < 0) {
            return -1;
        }
        f.type[pt] = Frames.PGTABLE;
        f.owner[pt] = mm.id;
        f.ref[pt] = 1;
        clock.charge(CostModel.ZERO_4K);
        pgtables++;
        mm.pgtables++;
        return pt;
    }

    public void freePgtableFrame(AddressSpace mm, int pt) {
        f.ref[pt] = 0;
        f.owner[pt] = 0;
        buddy.free(pt, 0);
        pgtables--;
        mm.pgtables--;
    }

    /**
     * free_pgtables(): frees the page tables about [from, to) that no VMA needs any more: a PTE
     * table whose 2 MiB, a PMD table whose GiB, a PUD table whose 512 GiB no VMA covers any part
     * of (free_pgd_range() with the neighbouring VMAs as floor and ceiling).
     */
    public void freeEmptyTables(AddressSpace mm, long from, long to) {
        freePteTables(mm, from, to);
        long gib = 1L << PageTable.DIR_SHIFT;
        for (long va = from & -gib; va < to; va += gib) {
            PmdTable t = mm.pt.lookup(va);
            if (t != null && t.used == 0 && !mm.mapped(va, va + gib)) { // free_pmd_range()
                freePgtableFrame(mm, t.frame);
                mm.pt.drop(va);
            }
        }
        long pgdir = 1L << PageTable.PGDIR_SHIFT;
        for (long va = from & -pgdir; va < to; va += pgdir) {
            int pud = mm.pt.pudFrame(va);
            // free_pud_range(): no VMA in the 512 GiB, so the loop above or an earlier munmap freed its PMD tables
            if (pud >= 0 && !mm.mapped(va, va + pgdir)) {
                freePgtableFrame(mm, pud);
                mm.pt.setPudFrame(va, -1);
            }
        }
    }

    private void freePteTables(AddressSpace mm, long from, long to) {
        long va = from & ~(PMD_SIZE - 1);
        while (va < to) {
            PmdTable t = mm.pt.lookup(va);
            if (t == null) {
                va = (va & ~((1L << PageTable.DIR_SHIFT) - 1)) + (1L << PageTable.DIR_SHIFT);
                continue;
            }
            int i = PageTable.pmdIndex(va);
            if (t.pte[i] != null && !mm.mapped(va, va + PMD_SIZE)) {
                freePgtableFrame(mm, t.tableFrame[i]);
                t.remove(i);
                t.tableFrame[i] = -1;
                t.used--;
            }
            va += PMD_SIZE;
        }
    }
}
