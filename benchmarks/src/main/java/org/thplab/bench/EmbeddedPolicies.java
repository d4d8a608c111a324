package org.thplab.bench;

import org.thplab.embedded.BundledPolicies;
import org.thplab.embedded.BundledWorkloads;
import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.spi.Policies;
import org.thplab.policy.promotereservation.ReservationPromoter;

/**
 * The policies of the in-process benchmarks: the bundled ones ({@link BundledPolicies}, the one
 * list of them), plus promote-reservation's at-fault mode under a name of its own, which in the
 * framework is a configuration (mode=fault) and embedded needs a second instance so that a
 * script can pick it.
 */
public final class EmbeddedPolicies {
    private EmbeddedPolicies() {
    }

    /** @return a fresh runtime (no machine booted yet) with every policy registered */
    public static MmRuntime newRuntime() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        BundledWorkloads.register(rt::registerWorkload);
        rt.register(Policies.KIND_PROMOTION, "reservation-at-fault", new ReservationPromoter(true));
        return rt;
    }
}
