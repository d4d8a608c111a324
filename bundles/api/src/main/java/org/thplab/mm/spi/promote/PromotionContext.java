package org.thplab.mm.spi.promote;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.ReservationInfo;

/**
 * The machine as a promoter sees it, and the mechanisms of promotion. The core keeps the state
 * these mechanisms share (which processes are registered with khugepaged, the page tables, the
 * counters); a promoter keeps only its own cursor.
 *
 * <p>The collapse mechanisms follow mm/khugepaged.c: {@link #scanPmd} is
 * hpage_collapse_scan_pmd() without the collapse at its end, {@link #collapseHugePage} is
 * collapse_huge_page(), which {@link #prepareCollapse} and {@link #commitCollapse} split at the
 * point where the kernel takes the mmap lock for write. Every one of them leaves the machine
 * consistent, whatever the order a promoter calls them in: a collapse that fails midway rolls
 * back, and nothing is lost.
 */
@ProviderType
public interface PromotionContext {
    /** @return the machine's tunables */
    Tunables tunables();

    /** @return simulated nanoseconds since boot */
    long now();

    /** Charges simulated time for the promoter's own work (a scan's bookkeeping). */
    void charge(long nanos);

    /**
     * @return the ids of the address spaces registered with khugepaged (MMF_VM_HUGEPAGE), in
     *         registration order: the mm_slot list. An address space whose process exited stays
     *         on it, not {@link #alive}, until a promoter calls {@link #collectMmSlot}.
     */
    List<Integer> khugepagedMms();

    /** Removes an exited address space from the mm_slot list (collect_mm_slot()). */
    void collectMmSlot(int mm);

    /** @return the id of a live process's address space, or -1 */
    int mmOf(String proc);

    /** @return the name of the process of an address space */
    String processName(int mm);

    /** @return true while the address space's process has not exited */
    boolean alive(int mm);

    /** @return the VMAs of the address space in address order; empty when it has exited */
    List<VmaRange> vmas(int mm);

    /**
     * thp_vma_allowable_order() for the VMA containing {@code address}, with
     * TVA_ENFORCE_SYSFS when {@code enforceSysfs}: false for VM_NOHUGEPAGE, and with
     * enforceSysfs for enabled=never or enabled=madvise without VM_HUGEPAGE.
     */
    boolean thpAllowed(int mm, long address, boolean enforceSysfs);

    /**
     * hpage_collapse_scan_pmd()'s checks on the PMD-aligned range at {@code address}, in the
     * kernel's order (Linux 6.18: read-only PTEs do not stop a collapse; a page is shared when
     * folio_maybe_mapped_shared() says so); with {@code khugepaged} the max_ptes_* limits and the
     * young check apply and exceeding one counts {@code thp_scan_exceed_*}. Emits
     * mm_khugepaged_scan_pmd. Changes nothing but the young bits' reading.
     */
    PmdScan scanPmd(int mm, long address, boolean khugepaged);

    /**
     * collapse_huge_page(): {@link #prepareCollapse}, take the mmap lock for write,
     * {@link #commitCollapse}, release it.
     *
     * @return SCAN_SUCCEED, or why the collapse failed (and was rolled back)
     */
    ScanResult collapseHugePage(int mm, PmdScan scan, boolean khugepaged);

    /**
     * The part of collapse_huge_page() done without the mmap write lock: allocate the huge page
     * ({@code thp_collapse_alloc}, or {@code thp_collapse_alloc_failed} and
     * SCAN_ALLOC_HUGE_PAGE_FAIL) and swap in the swap PTEs of the range.
     */
    CollapseTicket prepareCollapse(int mm, PmdScan scan, boolean khugepaged);

    /**
     * The part under the mmap write lock ({@link #lockMmapWrite} must hold it): isolate the
     * pages again (__collapse_huge_page_isolate), copy them into the huge page
     * (__collapse_huge_page_copy; a poisoned source page fails with SCAN_COPY_MC), install the
     * huge PMD and free the old pages. On any failure the PTEs and pages are as before.
     */
    ScanResult commitCollapse(CollapseTicket ticket);

    /** Drops a prepared ticket that will not be committed, freeing its huge page. */
    void abortCollapse(CollapseTicket ticket);

    /** Takes the address space's mmap lock for write; the time until {@link #unlockMmapWrite} counts as write hold. */
    void lockMmapWrite(int mm);

    /** Releases the mmap write lock. */
    void unlockMmapWrite(int mm);

    /** @return every reservation, by address space id and address */
    List<ReservationInfo> reservations();

    /**
     * Promotes a reservation in place (the RFC's khugepaged_promote_reservation()): the reserved
     * block becomes a PMD-sized folio without copying; its unmapped pages are zeroed and a huge
     * PMD is installed under the mmap write lock. Counts {@code khugepaged/res_pages_collapsed}
     * and {@code khugepaged/pages_collapsed}. Refused (and nothing changes) when a page of the
     * range is swapped out, shared with another process, or not the reservation's own, or when
     * no page is writable.
     */
    ScanResult promoteReservation(int mm, long address);

    /**
     * Promotes a range through migration entries (Zi Yan's idea in the reservation RFC's review):
     * its present PTEs become migration entries (under the mmap read lock), the huge page is built
     * while they stand (in place when a reservation holds the range, by copy into a new huge page
     * otherwise), and when that simulated time has passed the huge PMD is installed under the mmap
     * write lock, which is held only for the install. Faults on the entries wait. Refused when a
     * page is shared, swapped out, or no page is writable.
     *
     * @return SCAN_SUCCEED when the promotion started
     */
    ScanResult promoteByMigration(int mm, long address);

    /**
     * DAMON's access check of one address (damon_va_young() in mm/damon/vaddr.c): whether the
     * entry that maps it, the huge PMD or the PTE, has its accessed bit set. False when nothing
     * present maps it. Reads only; costs nothing in simulated time (charge it).
     *
     * @since 2.3
     */
    boolean young(int mm, long address);

    /**
     * DAMON's preparation of an access check (damon_va_mkold(): damon_pmdp_mkold() or
     * damon_ptep_mkold()): clears the accessed bit of the entry that maps the address, so that
     * {@link #young} says whether it was accessed since. No TLB flush, as on x86, where
     * ptep_clear_flush_young() flushes nothing. The reclaim scan sees the cleared bit too (the
     * kernel keeps it in the folio's PG_young for reclaim; thplab has no such flag).
     *
     * @since 2.3
     */
    void mkold(int mm, long address);

    /** Counts one collapse by khugepaged (/sys/kernel/mm/transparent_hugepage/khugepaged/pages_collapsed). */
    void countPagesCollapsed();

    /** Counts one completed pass over all registered processes (khugepaged/full_scans). */
    void countFullScan();
}
