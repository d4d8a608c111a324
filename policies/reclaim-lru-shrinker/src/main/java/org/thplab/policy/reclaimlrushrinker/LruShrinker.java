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
 * does without reservations, the deferred split shrinker (deferred_split_scan()) and the huge zero
 * page shrinker.
 */
@Component
@Policy(kind = Kind.reclaim, name = "lru-shrinker")
public class LruShrinker implements ReclaimPolicy {
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
        if (freed < target) {
            // Each split frees at most 511 pages: split enough of the queue to meet the target.
            freed += ctx.splitDeferred(Math.max(1, (target - freed + 510) / 511));
        }
        if (freed < target) {
            freed += ctx.shrinkHugeZeroPage();
        }
        return freed;
    }
}
