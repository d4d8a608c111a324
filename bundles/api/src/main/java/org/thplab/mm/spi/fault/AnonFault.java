package org.thplab.mm.spi.fault;

import org.osgi.annotation.versioning.ProviderType;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.FaultOutcome;

/**
 * An anonymous fault on an address that nothing maps, handed to the {@link FaultPolicy}, with
 * the mechanisms to serve it. When the policy answers {@link FaultOutcome#FALLBACK} the core
 * runs do_anonymous_page(): the zero page for a read, a new zeroed base page for a write.
 */
@ProviderType
public interface AnonFault {
    /** @return the machine's tunables */
    Tunables tunables();

    /** @return the faulting virtual address */
    long address();

    /** @return true for a write access */
    boolean write();

    /** @return true when the PMD slot of the address is empty (no page table, no huge PMD) */
    boolean pmdNone();

    /** @return true when the PMD-aligned 2 MiB range around the address lies inside the VMA */
    boolean hugeSuitable();

    /** @return true when the VMA has VM_HUGEPAGE */
    boolean vmHugepage();

    /** @return true when the VMA has VM_NOHUGEPAGE */
    boolean vmNoHugepage();

    /**
     * Maps the huge zero page read-only by a PMD (allocating it on first use, counting
     * {@code thp_zero_page_alloc}). Requires {@link #pmdNone()} and {@link #hugeSuitable()}.
     *
     * @return MAPPED, or FALLBACK when the huge zero page could not be had
     */
    FaultOutcome mapHugeZeroPage();

    /**
     * Allocates a PMD-sized page through the allocation policy
     * ({@link org.thplab.mm.spi.alloc.AllocPurpose#FAULT_THP}), zeroes it and maps it by a PMD,
     * counting {@code thp_fault_alloc}, or counts {@code thp_fault_fallback} when no huge page
     * can be had. Requires {@link #pmdNone()} and {@link #hugeSuitable()}.
     *
     * @return MAPPED or FALLBACK
     */
    FaultOutcome mapNewHugePage();

    /**
     * thp_vma_allowable_orders() for this fault, with the sysfs settings enforced: the anonymous
     * THP orders (2 to 9) allowed in the faulting VMA, as a mask of bits {@code 1 << order}:
     * those whose {@code hugepages-<size>kB/enabled} (with {@code inherit}, the top-level
     * {@code enabled}) says {@code always}, and in a VM_HUGEPAGE VMA those that say
     * {@code madvise}; none in a VM_NOHUGEPAGE VMA. Cheap: the core keeps it up to date.
     *
     * @return the mask of allowed orders
     * @since 2.1
     */
    int allowableOrders();

    /**
     * do_anonymous_page() with alloc_anon_folio() (Linux 6.8, multi-size THP): for a write fault,
     * allocates an anonymous folio of {@code order} (2 to 8: 16 kB to 1 MB) for the naturally
     * aligned range around the address, through the allocation policy as a THP fault's
     * ({@link org.thplab.mm.spi.alloc.AllocPurpose#FAULT_THP}), zeroes it and maps all its pages
     * by PTEs, counting {@code hugepages-<size>kB/stats/anon_fault_alloc}, or
     * {@code anon_fault_fallback} when no folio of the order can be had. The range must lie
     * inside the VMA, no huge PMD map it and every PTE of it be none; a page table is made for it
     * when there is none. Such a folio is not AnonHugePages in smaps.
     *
     * @return MAPPED; FALLBACK for a read fault, a range that does not fit or a failed
     *         allocation; OOM when no page table could be had
     * @throws IllegalArgumentException for an order outside 2..8
     * @since 2.1
     */
    FaultOutcome mapNewLargeFolio(int order);

    /** @return true when a THP reservation covers the faulting PMD range */
    boolean reserved();

    /** @return pages already mapped from the reservation covering the range, or 0 without one */
    int reservationUsed();

    /**
     * Maps the faulting page from the reservation covering its range (zeroing it), and moves
     * the reservation to the tail of the reservation LRU.
     *
     * @return MAPPED, or FALLBACK when no reservation covers the range
     */
    FaultOutcome mapFromReservation();

    /**
     * Reserves an aligned 2 MiB block of base pages for the faulting PMD range
     * ({@link org.thplab.mm.spi.alloc.AllocPurpose#RESERVATION}, counting {@code thp_res_alloc},
     * or {@code thp_res_alloc_failed} when no block can be had) and maps the faulting page from
     * it. Requires {@link #hugeSuitable()}, no reservation and no huge PMD for the range. Only
     * the first fault that allocates memory in the range reserves: when a PTE of the range maps
     * a page already (a forked child's copy of its parent's), nothing is reserved.
     *
     * @return MAPPED, or FALLBACK when the block could not be had or the range is populated
     */
    FaultOutcome reserveAndMap();
}
