package org.thplab.mm.core.reserve;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import java.util.ArrayList;
import java.util.List;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.alloc.Allocator;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.folio.FreeHook;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmapLock;
import org.thplab.mm.core.vma.Reservation;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.ReservationInfo;
import org.thplab.mm.spi.alloc.AllocPurpose;
import org.thplab.mm.spi.promote.ScanResult;

/**
 * THP reservations for anonymous memory, after Anthony Yznaga's RFC (November 2018): a
 * PMD-aligned range's first fault reserves an aligned order-9 block of base pages (not a
 * compound page) and maps the faulting page from it; later faults map from the reservation;
 * a promotion turns the block into a THP in place; under pressure unused pages are released.
 *
 * <p>Core state, because fault, promotion, reclaim and CoW policies all act on it: each
 * reservation belongs to an address space (keyed by address), to the pageblock of its frames
 * ({@link #byBlock}, so that freeing one of its pages finds it), and while not fully populated
 * to the reservation LRU (one list: thplab has one node; it is kept by the node of the reserved
 * pages, not of the reservation's bookkeeping, which the RFC got wrong).
 */
public final class Reservations implements FreeHook {
    private final Kernel kernel;
    private final Frames f;
    private final Allocator allocator;
    private final Folios folios;
    private final MmapLock mmapLock;
    /** The reservation whose block is pageblock b, or null. */
    private final Reservation[] byBlock;
    private Reservation lruHead;
    private Reservation lruTail;
    /** Reservations on the LRU: list_lru_count() of the RFC's thp_reservations_lru. */
    private long lruLength;
    /** nr_thp_reserved. */
    public long reserved;

    public Reservations(Kernel k, Allocator allocator, Folios folios, MmapLock mmapLock) {
        this.kernel = k;
        this.f = k.f();
        this.allocator = allocator;
        this.folios = folios;
        this.mmapLock = mmapLock;
        byBlock = new Reservation[f.nrBlocks];
    }

    /** @return the reservation whose block is pageblock {@code b}, or null */
    public Reservation ofBlock(int b) {
        return byBlock[b];
    }

    public Reservation at(AddressSpace mm, long va) {
        return mm.reservations.get(va & ~(PMD_SIZE - 1));
    }

    /** Reserves a block for the range of {@code va}; null when none can be had (thp_res_alloc_failed). */
    public Reservation reserve(AddressSpace mm, Vma vma, long va) {
        long haddr = va & ~(PMD_SIZE - 1);
        int base = allocator.alloc(HPAGE_PMD_ORDER, AllocPurpose.RESERVATION, vma.hugepage());
        if (base < 0) {
            kernel.stat().count(VmEvent.THP_RES_ALLOC_FAILED);
            return null;
        }
        kernel.stat().count(VmEvent.THP_RES_ALLOC);
        // The block's frames stay as the allocator left them (isolated, owned by nobody) until a
        // fault takes one: what marks them reserved is byBlock, one entry per 2 MiB, so that
        // reserving costs the same whatever the block's size.
        Reservation r = new Reservation(mm, haddr, base);
        mm.reservations.put(haddr, r);
        byBlock[base >> HPAGE_PMD_ORDER] = r;
        reserved += HPAGE_PMD_NR;
        lruAddTail(r);
        return r;
    }

    /** Takes page {@code k} of the reservation for a fault: it becomes an order-0 anonymous folio. */
    public int take(Reservation r, int k) {
        int p = r.base + k;
        r.mapped[k >>> 6] |= 1L << k;
        r.used++;
        reserved--;
        kernel.clock().charge(CostModel.ZERO_4K);
        if (r.used == HPAGE_PMD_NR) {
            lruRemove(r); // fully populated: off the LRU, as the RFC's author suggested
        } else {
            lruRemove(r);
            lruAddTail(r);
        }
        return p;
    }

    /** Releases a reservation: unused pages back to the free lists. @return pages freed */
    public long release(Reservation r) {
        if (r.mm.reservations.get(r.haddr) != r) {
            return 0;
        }
        r.mm.reservations.remove(r.haddr);
        byBlock[r.base >> HPAGE_PMD_ORDER] = null;
        lruRemove(r);
        long freed = 0;
        for (int k = 0; k < HPAGE_PMD_NR; ) {
            if (r.isMapped(k)) {
                k++;
                continue;
            }
            int end = k + 1;
            while (end < HPAGE_PMD_NR && !r.isMapped(end)) {
                end++;
            }
            freed += end - k;
            java.util.Arrays.fill(f.owner, r.base + k, r.base + end, 0);
            java.util.Arrays.fill(f.index, r.base + k, r.base + end, 0);
            // The run [k, end) as its aligned blocks, lowest first: the free lists end as freeing
            // its pages one by one, in address order, leaves them (each block is the merge its
            // last page completes, linked in that order), at a cost per block, not per page.
            while (k < end) {
                int order = Math.min(Integer.numberOfTrailingZeros(k | HPAGE_PMD_NR), 31 - Integer.numberOfLeadingZeros(end - k));
                kernel.buddy().free(r.base + k, order);
                k += 1 << order;
            }
        }
        reserved -= freed;
        return freed;
    }

    /** A page of a reserved block was freed (zap, swap-out, CoW): the block is broken, release the reservation. */
    @Override
    public void pageFreed(int pfn) {
        Reservation r = byBlock[pfn >> HPAGE_PMD_ORDER];
        if (r != null) {
            release(r);
        }
    }

    /** Releases the reservations of the ranges [from, to) overlaps (munmap, MADV_DONTNEED, exit). */
    public void releaseRange(AddressSpace mm, long from, long to) {
        if (mm.reservations.isEmpty()) {
            return;
        }
        // Those that start in [from rounded down to 2 MiB, to): the ones that overlap, in address order.
        for (Reservation r : mm.reservations.starting(from & ~(PMD_SIZE - 1), to)) {
            release(r);
        }
    }

    /**
     * Promotion in place: every PTE of the range is none, the zero page, or maps the
     * reservation's own page at its index, exclusively; at least one is writable.
     */
    public ScanResult promote(Reservation r) {
        AddressSpace mm = r.mm;
        PmdTable t = mm.pt.lookup(r.haddr);
        int i = PageTable.pmdIndex(r.haddr);
        if (t == null || t.pte[i] == null) {
            return t != null && t.pmd[i] != 0 ? ScanResult.SCAN_PMD_MAPPED : ScanResult.SCAN_PMD_NULL;
        }
        PteTable ptes = t.pte[i];
        boolean writable = false;
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            long e = ptes.get(k);
            int kind = Pte.kind(e);
            if (kind == Pte.EMPTY || kind == Pte.ZERO) {
                continue;
            }
            if (kind != Pte.PRESENT) {
                return ScanResult.SCAN_PTE_NON_PRESENT;
            }
            int p = Pte.pfn(e);
            if (p != r.base + k) {
                return ScanResult.SCAN_PAGE_ANON; // not the reservation's page (a CoW copy, a page from elsewhere)
            }
            if (f.ref[p] != 1) {
                return ScanResult.SCAN_PAGE_COUNT; // shared after fork
            }
            writable |= Pte.writable(e);
        }
        if (!writable) {
            return ScanResult.SCAN_PAGE_RO;
        }
        mmapLock.lockWrite(mm, "reservation");
        install(r, t, i, ptes, true);
        mmapLock.unlockWrite(mm);
        return ScanResult.SCAN_SUCCEED;
    }

    /** The install of a migration-entry promotion in place (the caller holds the mmap write lock). */
    public void promoteMigrated(Reservation r, PteTable ptes) {
        PmdTable t = r.mm.pt.lookup(r.haddr);
        install(r, t, PageTable.pmdIndex(r.haddr), ptes, false); // zeroed while the entries stood
    }

    /**
     * Turns the reserved block into the THP: mapped pages (present or migration entries) stay
     * where they are, unused ones are zeroed; the caller installs nothing else.
     */
    private void install(Reservation r, PmdTable t, int i, PteTable ptes, boolean chargeZeroing) {
        AddressSpace mm = r.mm;
        int unused = 0;
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            int p = r.base + k;
            int kind = Pte.kind(ptes.get(k));
            if (r.isMapped(k) && (kind == Pte.PRESENT || kind == Pte.MIGRATION)) {
                folios.nrAnon--; // the order-0 folio becomes part of the THP
                if (f.map[p] > 0) {
                    folios.nrAnonMapped--; // and its page is counted again as the PMD's below
                }
                mm.updateHiwaterRss();
                mm.rssAnon--;
            } else {
                f.content[p] = 0;
                unused++;
            }
        }
        kernel.clock().charge((chargeZeroing ? CostModel.ZERO_4K * unused : 0) + CostModel.TLB_FLUSH);
        reserved -= unused;
        mm.reservations.remove(r.haddr);
        byBlock[r.base >> HPAGE_PMD_ORDER] = null;
        lruRemove(r);
        folios.initAnon(r.base, HPAGE_PMD_ORDER, mm.family.id, (int) (r.haddr >>> 12));
        folios.addPmdRmap(r.base, mm.id);
        t.remove(i); // the PTE table becomes the deposited one
        t.pmd[i] = Pte.make(Pte.HUGE, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, r.base);
        mm.rssAnon += HPAGE_PMD_NR;
        kernel.tunables().resPagesCollapsed++;
        kernel.tunables().pagesCollapsed++;
        if (kernel.trace().on()) {
            kernel.trace().emit("mm_collapse_huge_page", "mm=" + mm.name + ", isolated=1, status=succeeded (reservation in place)");
        }
    }

    public List<ReservationInfo> lru(int max) {
        List<ReservationInfo> out = new ArrayList<>();
        for (Reservation r = lruHead; r != null && out.size() < max; r = r.next) {
            out.add(r.info());
        }
        return out;
    }

    /** @return the reservations on the LRU, what the RFC's thp_resvs_shrink_count() returns */
    public long lruLength() {
        return lruLength;
    }

    public List<ReservationInfo> all() {
        List<ReservationInfo> out = new ArrayList<>();
        for (AddressSpace mm : kernel.tasks().mms.values()) {
            mm.reservations.starting(0, Long.MAX_VALUE).forEach(r -> out.add(r.info()));
        }
        return out;
    }

    private void lruAddTail(Reservation r) {
        r.prev = lruTail;
        r.next = null;
        if (lruTail != null) {
            lruTail.next = r;
        } else {
            lruHead = r;
        }
        lruTail = r;
        r.onLru = true;
        lruLength++;
    }

    private void lruRemove(Reservation r) {
        if (!r.onLru) {
            return;
        }
        if (r.prev != null) {
            r.prev.next = r.next;
        } else {
            lruHead = r.next;
        }
        if (r.next != null) {
            r.next.prev = r.prev;
        } else {
            lruTail = r.prev;
        }
        r.prev = null;
        r.next = null;
        r.onLru = false;
        lruLength--;
    }
}
