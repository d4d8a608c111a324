package org.thplab.mm.core.policy;

import java.util.List;
import org.thplab.mm.spi.AllocationPolicy;
import org.thplab.mm.spi.CowPolicy;
import org.thplab.mm.spi.FaultPolicy;
import org.thplab.mm.spi.PromotionPolicy;
import org.thplab.mm.spi.ReclaimPolicy;

/**
 * The policies a machine consults during one operation; a null field means the kind has no
 * policy and the machine's built-in conservative fallback serves it.
 */
public record ActivePolicies(AllocationPolicy allocation, FaultPolicy fault, CowPolicy cow,
        ReclaimPolicy reclaim, List<PromotionPolicy> promoters) {
    /** Every kind served by its fallback. */
    public static final ActivePolicies NONE = new ActivePolicies(null, null, null, null, List.of());
}
