package org.thplab.mm.core.policy;

import java.util.List;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;

/**
 * The policies a machine consults during one operation; a null field means the kind has no
 * policy and the machine's built-in conservative fallback serves it. {@code faultBelowPmd} says
 * whether the fault policy is asked at faults below an existing PTE table
 * ({@link FaultPolicy#pmdNoneOnly()}, asked once here rather than at every fault).
 * {@code reservationListeners} are the promoters, in order, that override
 * {@link PromotionPolicy#reservationFaulted}: the others' is the interface's, which does nothing,
 * and a fenced call of it at every reservation fault was a third of such a fault.
 */
public record ActivePolicies(AllocationPolicy allocation, FaultPolicy fault, CowPolicy cow,
        ReclaimPolicy reclaim, List<PromotionPolicy> promoters, boolean faultBelowPmd,
        List<PromotionPolicy> reservationListeners) {
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
        List<PromotionPolicy> listeners = promoters.stream().filter(ActivePolicies::hearsReservationFaults).toList();
        return new ActivePolicies(allocation, fault, cow, reclaim, promoters, below, listeners);
    }

    /** @return whether the promoter's reservationFaulted is its own (or cannot be told: then it is called) */
    static boolean hearsReservationFaults(PromotionPolicy p) {
        try {
            return p.getClass().getMethod("reservationFaulted", PromotionContext.class, int.class, long.class, int.class)
                    .getDeclaringClass() != PromotionPolicy.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true;
        }
    }
}
