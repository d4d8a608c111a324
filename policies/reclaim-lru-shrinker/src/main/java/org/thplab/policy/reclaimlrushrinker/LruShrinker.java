package org.thplab.policy.reclaimlrushrinker;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.ReservationInfo;
import org.thplab.mm.spi.reclaim.ReclaimContext;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;

/**
 * The reservation RFC's shrinker: count the unused reserved pages and release reservations in
 * LRU order (least recently faulted first; a reservation moves to the tail when a page is faulted
 * from it, a fully populated one is off the list) until the scan target is met. Then, as Linux
 * does without reservations, the deferred split shrinker (deferred_split_scan(): partially mapped
 * and, below {@code max_ptes_none} 511, underused THPs) and the huge zero page shrinker. Linux
 * scans {@code freeable >> priority} objects of a shrinker per reclaim pass, so a short queue waits
 * for a low priority; thplab has no priorities and scans until the pass's target is met.
 */
@Component
@Policy(kind = Kind.reclaim, name = "lru-shrinker")
public class LruShrinker implements ReclaimPolicy {
    /** SHRINK_BATCH of mm/shrinker.c: objects a shrinker scans per call. */
    static final int SHRINK_BATCH = 128;

    @Override
    public long reclaim(ReclaimContext ctx, long target) {
        long freed = 0;
        // scan_objects() in batches from the head of the LRU until the target is met.
        while (freed < target) {
            var batch = ctx.reservationLru(16);
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
        // deferred_split_scan() in batches of SHRINK_BATCH until the target is met. Since 6.12 the
        // queue holds every THP; a scan takes each entry off it, splitting the partially mapped and
        // the underused ones, so the loop ends with the queue at the latest.
        while (freed < target && ctx.deferredSplitQueued() > 0) {
            freed += ctx.splitDeferred(SHRINK_BATCH);
        }
        if (freed < target) {
            freed += ctx.shrinkHugeZeroPage();
        }
        return freed;
    }
}
