package org.thplab.mm.spi.fault;

import org.osgi.annotation.versioning.ConsumerType;
import org.thplab.mm.spi.FaultOutcome;

/** Decides what an anonymous fault on an unmapped address maps. */
@ConsumerType
public interface FaultPolicy {
    /** @return the outcome; FALLBACK lets the core map a base page or the zero page */
    FaultOutcome fault(AnonFault fault);

    /**
     * Whether a copy-on-write fault of the reservation's owner on one of its pages releases the
     * reservation, as the reservation RFC was posted. The default, as Mel Gorman suggested,
     * keeps it.
     */
    default boolean releaseReservationOnCow() {
        return false;
    }
}
