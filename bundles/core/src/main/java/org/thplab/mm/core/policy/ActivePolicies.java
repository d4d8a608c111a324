package org.thplab.mm.core.policy;

import java.util.List;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;

/**
 * The policies a machine consults during one operation; a null field means the kind has no
 * policy and the machine's built-in conservative fallback serves it. {@code faultBelowPmd} says
 * whether the fault policy is asked at faults below an existing PTE table
 * ({@link FaultPolicy#pmdNoneOnly()}, asked once here rather than at every fault).
 */
public record ActivePolicies(AllocationPolicy allocation, FaultPolicy fault, CowPolicy cow,
        ReclaimPolicy reclaim, List<PromotionPolicy> promoters, boolean faultBelowPmd) {
    /** Every kind served by its fallback. */
    public static final ActivePolicies NONE = of(null, null, null, null, List.of());

    public static ActivePolicies of(AllocationPolicy allocation, FaultPolicy fault, CowPolicy cow,
            ReclaimPolicy reclaim, List<PromotionPolicy> promoters) {
        boolean below = true;
        if (fault != null) {
            try {
                below = !fault.pmdNoneOnly();
            } catch (RuntimeException | StackOverflowError e) {
                below = true; // a policy that cannot say is asked at every fault, as before
            }
        }
        return new ActivePolicies(allocation, fault, cow, reclaim, promoters, below);
    }
}
