package org.thplab.mm.spi.reclaim;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Called under memory pressure (kswapd below the low watermark, direct reclaim when an
 * allocation fails at min) before the core reclaims the LRU: decides which THP-related memory
 * to give back.
 */
@ConsumerType
public interface ReclaimPolicy {
    /** @return base pages freed, aiming at {@code target} */
    long reclaim(ReclaimContext context, long target);
}
