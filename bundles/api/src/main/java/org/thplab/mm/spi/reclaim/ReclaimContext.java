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

    /** @return the number of THPs on the deferred split queue */
    long deferredSplitQueued();

    /**
     * deferred_split_scan(): splits up to {@code max} THPs from the head of the deferred split
     * queue, freeing their unmapped subpages.
     *
     * @return base pages freed
     */
    long splitDeferred(long max);

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
     * Releases a reservation: its unmapped pages go back to the free lists; pages already
     * mapped stay mapped as base pages.
     *
     * @return base pages freed
     */
    long releaseReservation(int mm, long address);
}
