package org.thplab.mm.spi.reclaim;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.ReservationInfo;

/** The THP-related memory a {@link ReclaimPolicy} may give back, and the mechanisms to do it. */
@ProviderType
public interface ReclaimContext {
    /** @return the machine's tunables */
    Tunables tunables();

    /** @return true for direct reclaim in an allocation, false for kswapd */
    boolean direct();

    /**
     * @return the number of THPs on the deferred split queue: since Linux 6.12 every new
     *         PMD-mapped THP is queued (uncounted), besides those that became partially mapped
     */
    long deferredSplitQueued();

    /**
     * deferred_split_scan(): takes up to {@code max} THPs off the head of the deferred split
     * queue. A partially mapped one is split; a fully mapped one is split only when
     * thp_underused() finds more zero-filled subpages than {@code khugepaged/max_ptes_none} (below
     * 511; {@code thp_underused_split_page}), else it just leaves the queue. A split frees the
     * unmapped subpages and those the split maps to the shared zero page (zero-filled ones).
     *
     * @return base pages freed
     */
    long splitDeferred(long max);

    /**
     * deferred_split_scan() as {@link #splitDeferred(long)}, in the same order of work, but with
     * thp_underused() judging a fully mapped THP against {@code maxPtesNone} instead of
     * {@code khugepaged/max_ptes_none}: it is underused (split, its zero-filled subpages mapped to
     * the shared zero page and freed, {@code thp_underused_split_page}) when more than
     * {@code maxPtesNone} of its 512 subpages are zero-filled. Unlike the tunable, 511 does not
     * turn the check off: it is thp_underused()'s loop as written, so only an all-zero THP is
     * underused; 512 turns it off (no THP has more than 512 zero-filled subpages).
     *
     * @param maxPtesNone 0 to 512
     * @return base pages freed
     * @throws IllegalArgumentException when {@code maxPtesNone} is out of range
     * @since 2.1
     */
    long splitDeferred(long max, int maxPtesNone);

    /**
     * Frees the huge zero page if no mapping uses it (the huge zero page shrinker).
     *
     * @return base pages freed
     */
    long shrinkHugeZeroPage();

    /** @return pages held in reservations and not yet mapped (nr_thp_reserved) */
    long reservedPages();

    /**
     * @return up to {@code max} reservations from the head of the reservation LRU, least
     *         recently faulted first; a fully populated reservation is not on it
     */
    List<ReservationInfo> reservationLru(int max);

    /**
     * @return the reservations on the reservation LRU (a fully populated one is not on it): what
     *         the RFC's thp_resvs_shrink_count() returns, list_lru_shrink_count()
     * @since 2.2
     */
    default long reservationLruLength() {
        return reservationLru(Integer.MAX_VALUE).size();
    }

    /**
     * Releases a reservation: its unmapped pages go back to the free lists; pages already
     * mapped stay mapped as base pages.
     *
     * @return base pages freed
     */
    long releaseReservation(int mm, long address);
}
