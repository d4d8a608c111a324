package org.thplab.policy.reclaimdropall;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.ReservationInfo;
import org.thplab.mm.spi.reclaim.ReclaimContext;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;

/**
 * Mel Gorman's suggestion in the reservation RFC's review: on memory pressure, release every
 * reservation at once instead of shrinking them in LRU order; and split every THP on the deferred
 * split queue.
 */
@Component
@Policy(kind = Kind.reclaim, name = "drop-all")
public class DropAllReclaim implements ReclaimPolicy {
    @Override
    public long reclaim(ReclaimContext ctx, long target) {
        long freed = 0;
        for (ReservationInfo r : ctx.reservationLru(Integer.MAX_VALUE)) {
            freed += ctx.releaseReservation(r.mm(), r.address());
        }
        freed += ctx.splitDeferred(Long.MAX_VALUE);
        freed += ctx.shrinkHugeZeroPage();
        return freed;
    }
}
