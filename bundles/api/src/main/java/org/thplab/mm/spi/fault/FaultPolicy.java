package org.thplab.mm.spi.fault;

import org.osgi.annotation.versioning.ConsumerType;
import org.thplab.mm.spi.FaultOutcome;

/** Decides what an anonymous fault on an unmapped address maps. */
@ConsumerType
public interface FaultPolicy {
    /** @return the outcome; FALLBACK lets the core map a base page or the zero page */
    FaultOutcome fault(AnonFault fault);

    /**
     * Whether this policy maps anything only at a fault on an empty PMD, as create_huge_pmd() is
     * tried only when pmd_none(): then the core does not ask it at faults below an existing PTE
     * table (do_anonymous_page() there), which are most base-page faults. A policy that maps from
     * below the PMD (multi-size THPs, reservations) keeps the default, false. Asked once, when
     * the policy is selected.
     */
    default boolean pmdNoneOnly() {
        return false;
    }

    /**
     * Whether this policy may map anything at a fault below an existing PTE table of a VMA whose
     * thp_vma_allowable_orders() mask is {@code allowableOrders} (the mask
     * {@link AnonFault#allowableOrders()} gives at such a fault). alloc_anon_folio() gives up at
     * once when no order below PMD_ORDER is allowed; a policy that maps nothing but such folios
     * there says so, and the core does not ask it at the base-page faults of that VMA. Asked when
     * a touch or an access enters a VMA, with the tunables as they are then (they stay for the
     * operation); not asked when {@link #pmdNoneOnly()}. The default asks at every fault.
     *
     * @since 2.3
     */
    default boolean mapsBelowPmd(int allowableOrders) {
        return true;
    }

    /**
     * Whether a copy-on-write fault of the reservation's owner on one of its pages releases the
     * reservation, as the reservation RFC was posted. The default, as Mel Gorman suggested,
     * keeps it.
     */
    default boolean releaseReservationOnCow() {
        return false;
    }
}
