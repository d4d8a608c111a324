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
     * Whether a copy-on-write fault of the reservation's owner on one of its pages releases the
     * reservation, as the reservation RFC was posted. The default, as Mel Gorman suggested,
     * keeps it.
     */
    default boolean releaseReservationOnCow() {
        return false;
    }
}
