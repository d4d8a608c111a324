package org.thplab.mm.spi.reclaim;

import org.thplab.mm.spi.ReservationInfo;

/**
 * The THP shrinkers of one reclaim pass in the order shrink_slab() (mm/shrinker.c) runs them for
 * thplab: the reservation shrinker (the 2018 RFC's: reservations in LRU order), the deferred split
 * shrinker (deferred_split_scan() in batches of {@link #SHRINK_BATCH}) and the huge zero page
 * shrinker (shrink_huge_zero_page_scan()), each until the pass's target is met. Linux scans
 * {@code freeable >> priority} objects of a shrinker per reclaim pass, so a short queue waits for a
 * low priority; thplab has no priorities and scans until the target is met.
 *
 * <p>Here, in the SPI, so that the bundled {@code lru-shrinker} and {@code underused} reclaim
 * policies (and a third party's) run the same pass without depending on each other's bundle; they
 * differ only in the threshold thp_underused() judges against.
 */
public final class ShrinkSlab {
    /** SHRINK_BATCH of mm/shrinker.c: objects a shrinker scans per call. */
    public static final int SHRINK_BATCH = 128;
    /** Reservations taken from the head of the reservation LRU per look. */
    static final int RESERVATION_BATCH = 16;
    /** Meaning "thp_underused() reads khugepaged/max_ptes_none", for {@link #run(ReclaimContext, long, int)}. */
    private static final int TUNABLE = -1;

    private ShrinkSlab() {
    }

    /**
     * One pass with thp_underused() against {@code khugepaged/max_ptes_none}
     * ({@link ReclaimContext#splitDeferred(long)}): Linux's.
     *
     * @return base pages freed
     */
    public static long run(ReclaimContext ctx, long target) {
        return pass(ctx, target, TUNABLE);
    }

    /**
     * One pass with thp_underused() against {@code maxPtesNone}
     * ({@link ReclaimContext#splitDeferred(long, int)}, 0 to 512).
     *
     * @return base pages freed
     */
    public static long run(ReclaimContext ctx, long target, int maxPtesNone) {
        if (maxPtesNone < 0 || maxPtesNone > 512) {
            throw new IllegalArgumentException("maxPtesNone " + maxPtesNone + " is not in 0..512");
        }
        return pass(ctx, target, maxPtesNone);
    }

    private static long pass(ReclaimContext ctx, long target, int maxPtesNone) {
        long freed = 0;
        // The reservation shrinker's scan_objects() in batches from the head of the LRU.
        while (freed < target) {
            var batch = ctx.reservationLru(RESERVATION_BATCH);
            if (batch.isEmpty()) {
                break;
            }
            for (ReservationInfo r : batch) {
                if (freed >= target) {
                    break;
                }
                freed += ctx.releaseReservation(r.mm(), r.address());
            }
        }
        // deferred_split_scan() in batches of SHRINK_BATCH. Since 6.12 the queue holds every THP;
        // a scan takes each entry off it, splitting the partially mapped and the underused ones,
        // so the loop ends with the queue at the latest.
        while (freed < target && ctx.deferredSplitQueued() > 0) {
            freed += maxPtesNone == TUNABLE ? ctx.splitDeferred(SHRINK_BATCH)
                    : ctx.splitDeferred(SHRINK_BATCH, maxPtesNone);
        }
        if (freed < target) {
            freed += ctx.shrinkHugeZeroPage();
        }
        return freed;
    }
}
