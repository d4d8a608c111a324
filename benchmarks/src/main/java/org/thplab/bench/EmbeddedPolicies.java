package org.thplab.bench;

import org.thplab.embedded.BundledPolicies;
import org.thplab.embedded.BundledWorkloads;
import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.reclaim.ShrinkSlab.Scan;
import org.thplab.policy.promotereservation.ReservationPromoter;
import org.thplab.policy.reclaimlrushrinker.LruShrinker;
import org.thplab.policy.reclaimunderused.UnderusedShrinker;

/**
 * The policies of the in-process benchmarks: the bundled ones ({@link BundledPolicies}, the one
 * list of them), plus promote-reservation's at-fault mode under a name of its own, which in the
 * framework is a configuration (mode=fault) and embedded needs a second instance so that a
 * script can pick it; likewise lru-shrinker with the kernel's scan arithmetic (scan=4.19 or
 * scan=6.18 in the framework) as {@code lru-shrinker-4.19} and {@code lru-shrinker-6.18}, and
 * reclaim-underused with max_ptes_none=255 as {@code underused-255}.
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
        rt.register(Policies.KIND_RECLAIM, "lru-shrinker-4.19", new LruShrinker(Scan.LINUX_4_19));
        rt.register(Policies.KIND_RECLAIM, "lru-shrinker-6.18", new LruShrinker(Scan.LINUX_6_18));
        rt.register(Policies.KIND_RECLAIM, "underused-255", new UnderusedShrinker(255));
        return rt;
    }
}
