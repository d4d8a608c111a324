package org.thplab.bench;

import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.spi.Policies;
import org.thplab.policy.allocbuddy.BuddyAllocationPolicy;
import org.thplab.policy.cowhuge.HugeCowPolicy;
import org.thplab.policy.cowpte.PteCowPolicy;
import org.thplab.policy.faultbase.BaseFaultPolicy;
import org.thplab.policy.faultreservation.ReservationFaultPolicy;
import org.thplab.policy.faultthp.ThpFaultPolicy;
import org.thplab.policy.promotekhugepaged.Khugepaged;
import org.thplab.policy.promotemadvcollapse.MadvCollapse;
import org.thplab.policy.promotemigrationentry.MigrationEntryPromoter;
import org.thplab.policy.promotereservation.ReservationPromoter;
import org.thplab.policy.reclaimdropall.DropAllReclaim;
import org.thplab.policy.reclaimlrushrinker.LruShrinker;

/**
 * The one place where the in-process benchmarks wire the policy bundles by hand: every policy
 * of the 12 policy modules, registered under the names their bundles give them, into an
 * {@link MmRuntime} without an OSGi framework. The runtime's defaults then select Linux's
 * policies (buddy, thp, pte, lru-shrinker; khugepaged, madv-collapse and reservation enabled),
 * as in the application. Only public constructors and {@link MmRuntime#register} are used.
 */
public final class EmbeddedPolicies {
    private EmbeddedPolicies() {
    }

    /** @return a fresh runtime (no machine booted yet) with every policy registered */
    public static MmRuntime newRuntime() {
        MmRuntime rt = new MmRuntime();
        registerAll(rt);
        return rt;
    }

    /** Registers every policy of the 12 policy modules into {@code rt}. */
    public static void registerAll(MmRuntime rt) {
        rt.register(Policies.KIND_ALLOCATION, "buddy", new BuddyAllocationPolicy());
        rt.register(Policies.KIND_FAULT, "thp", new ThpFaultPolicy());
        rt.register(Policies.KIND_FAULT, "base", new BaseFaultPolicy());
        rt.register(Policies.KIND_COW, "pte", new PteCowPolicy());
        rt.register(Policies.KIND_COW, "huge", new HugeCowPolicy());
        rt.register(Policies.KIND_PROMOTION, "khugepaged", new Khugepaged());
        rt.register(Policies.KIND_PROMOTION, "madv-collapse", new MadvCollapse());
        rt.register(Policies.KIND_FAULT, "reservation", new ReservationFaultPolicy());
        rt.register(Policies.KIND_PROMOTION, "reservation", new ReservationPromoter());
        // In the framework this is promote-reservation configured with mode=fault; embedded, a
        // second instance under its own name lets a script pick it.
        rt.register(Policies.KIND_PROMOTION, "reservation-at-fault", new ReservationPromoter(true));
        rt.register(Policies.KIND_RECLAIM, "lru-shrinker", new LruShrinker());
        rt.register(Policies.KIND_RECLAIM, "drop-all", new DropAllReclaim());
        rt.register(Policies.KIND_PROMOTION, "migration-entry", new MigrationEntryPromoter());
    }
}
