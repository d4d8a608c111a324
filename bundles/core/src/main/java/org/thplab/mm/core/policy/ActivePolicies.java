package org.thplab.mm.core.policy;

import java.util.List;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;

/**
 * The policies a machine consults during one operation; a null field means the kind has no
 * policy and the machine's built-in conservative fallback serves it.
 */
public record ActivePolicies(AllocationPolicy allocation, FaultPolicy fault, CowPolicy cow,
        ReclaimPolicy reclaim, List<PromotionPolicy> promoters) {
    /** Every kind served by its fallback. */
    public static final ActivePolicies NONE = new ActivePolicies(null, null, null, null, List.of());
}
