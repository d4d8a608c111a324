package org.thplab.mm.core.folio;

import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.alloc.Allocator;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.alloc.AllocPurpose;

/**
 * A new base page for one PTE, as the PTE-level fault paths allocate it (do_anonymous_page(),
 * wp_page_copy()), and do_swap_page()'s read of a swapped page into one; the second serves
 * collapse's __collapse_huge_page_swapin() too.
 */
public final class AnonAlloc {
    /** Out of memory, or the PTE changed while the allocation reclaimed (pte_same() failed). */
    public static final int OOM = -1;
    public static final int RETRY = -2;

    private final Frames f;
    private final Clock clock;
    private final VmStat stat;
    private final SwapDevice swap;
    private final Allocator allocator;
    private final Folios folios;

    public AnonAlloc(Kernel k, Allocator allocator, Folios folios) {
        this.f = k.f();
        this.clock = k.clock();
        this.stat = k.stat();
        this.swap = k.swap();
        this.allocator = allocator;
        this.folios = folios;
    }

    /**
     * Allocates a base page for the PTE at {@code j} and makes it an anonymous folio mapped
     * once: its frame, or {@link #OOM}, or {@link #RETRY} when the PTE changed while the
     * allocation reclaimed (the kernel's pte_same() check after retaking the lock).
     */
    public int allocMapped(AddressSpace mm, Vma vma, PteTable ptes, int j, long va, long expect) {
        mm.anonVmaPrepare(vma); // anon_vma_prepare() in do_anonymous_page(), wp_page_copy()
        int p = allocator.alloc(0, AllocPurpose.FAULT_BASE, vma.hugepage());
        if (p < 0) {
            return OOM;
        }
        if (ptes.get(j) != expect) {
            folios.freeUnused(p, 0);
            return RETRY;
        }
        folios.initAnonMapped(p, mm.family.id, (int) (va >>> 12));
        return p;
    }

    /**
     * do_swap_page(): reads the page of swap PTE {@code e} back into a new base page.
     *
     * @return the new frame, {@link #OOM} or {@link #RETRY}
     */
    public int swapIn(AddressSpace mm, Vma vma, PteTable ptes, int j, long va, long e, boolean write) {
        int np = allocMapped(mm, vma, ptes, j, va, e);
        if (np < 0) {
            return np;
        }
        stat.count(VmEvent.PGMAJFAULT); // as do_swap_page(), once it has the folio
        int slot = Pte.pfn(e);
        stat.count(VmEvent.PSWPIN);
        clock.charge(CostModel.SWAP_IN_4K);
        f.content[np] = swap.content[slot];
        // The page is exclusive when this was the slot's last reference (thplab keeps no swap
        // cache: a slot shared after fork is read into a private page by each process).
        boolean exclusive = swap.count[slot] == 1;
        swap.put(slot);
        mm.swapEntries--;
        long flags = Pte.YOUNG | (exclusive ? Pte.EXCLUSIVE | (write ? Pte.WRITE | Pte.DIRTY : 0) : 0);
        ptes.set(j, Pte.make(Pte.PRESENT, flags, np));
        mm.rssAnon++;
        return np;
    }
}
