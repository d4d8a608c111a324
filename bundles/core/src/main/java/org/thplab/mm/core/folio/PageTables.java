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
 * Page-table pages: __pte_alloc() and pte_alloc_one() charge a zeroed unmovable frame to the
 * address space, free_pgtables() gives back those no VMA needs any more; nr_page_table_pages.
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

    /** free_pgtables(): frees the PTE tables of [from, to) whose 2 MiB no VMA covers any more. */
    public void freeEmptyTables(AddressSpace mm, long from, long to) {
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
