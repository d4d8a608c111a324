package org.thplab.policy.reclaimlrushrinker;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.reclaim.ReclaimContext;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;
import org.thplab.mm.spi.reclaim.ShrinkSlab;

/**
 * The reservation RFC's shrinker: count the unused reserved pages and release reservations in
 * LRU order (least recently faulted first; a reservation moves to the tail when a page is faulted
 * from it, a fully populated one is off the list) until the scan target is met. Then, as Linux
 * does without reservations, the deferred split shrinker (deferred_split_scan(): partially mapped
 * and, below {@code max_ptes_none} 511, underused THPs) and the huge zero page shrinker: the pass
 * of {@link ShrinkSlab#run(ReclaimContext, long)}, shared with the {@code underused} policy.
 */
@Component
@Policy(kind = Kind.reclaim, name = "lru-shrinker")
public class LruShrinker implements ReclaimPolicy {
    @Override
    public long reclaim(ReclaimContext ctx, long target) {
        return ShrinkSlab.run(ctx, target);
    }
}
