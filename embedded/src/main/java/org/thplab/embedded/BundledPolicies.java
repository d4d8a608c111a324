package org.thplab.embedded;

import org.thplab.mm.spi.Policies;
import org.thplab.policy.allocantifrag.AntifragAllocationPolicy;
import org.thplab.policy.allocbuddy.BuddyAllocationPolicy;
import org.thplab.policy.cowadaptive.AdaptiveCowPolicy;
import org.thplab.policy.cowhuge.HugeCowPolicy;
import org.thplab.policy.cowpte.PteCowPolicy;
import org.thplab.policy.faultbase.BaseFaultPolicy;
import org.thplab.policy.faultmthp.MthpFaultPolicy;
import org.thplab.policy.faultreservation.ReservationFaultPolicy;
import org.thplab.policy.faultthp.ThpFaultPolicy;
import org.thplab.policy.promotedamon.DamonCollapse;
import org.thplab.policy.promotekhugepaged.Khugepaged;
import org.thplab.policy.promotemadvcollapse.MadvCollapse;
import org.thplab.policy.promotemigrationentry.MigrationEntryPromoter;
import org.thplab.policy.promotereservation.ReservationPromoter;
import org.thplab.policy.reclaimdropall.DropAllReclaim;
import org.thplab.policy.reclaimlrushrinker.LruShrinker;
import org.thplab.policy.reclaimunderused.UnderusedShrinker;

/**
 * The policy bundles of this repository, registered by hand into a runtime outside the
 * framework (the core's and the shell's tests, the in-process benchmarks) under the names their
 * components register with inside it: the one list of them for out-of-framework use. It knows
 * the policies and the SPI only, not the core, so the core's own tests can use it.
 */
public final class BundledPolicies {
    private BundledPolicies() {
    }

    /** Where a policy goes: the runtime's {@code register(kind, name, service)}. */
    @FunctionalInterface
    public interface Registrar {
        void register(String kind, String name, Object policy);
    }

    /** Registers every bundled policy, a new instance each, with {@code rt} (for example {@code runtime::register}). */
    public static void register(Registrar rt) {
        rt.register(Policies.KIND_ALLOCATION, "buddy", new BuddyAllocationPolicy());
        rt.register(Policies.KIND_ALLOCATION, "antifrag", new AntifragAllocationPolicy());
        rt.register(Policies.KIND_FAULT, "thp", new ThpFaultPolicy());
        rt.register(Policies.KIND_FAULT, "base", new BaseFaultPolicy());
        rt.register(Policies.KIND_FAULT, "mthp", new MthpFaultPolicy());
        rt.register(Policies.KIND_FAULT, "reservation", new ReservationFaultPolicy());
        rt.register(Policies.KIND_COW, "pte", new PteCowPolicy());
        rt.register(Policies.KIND_COW, "huge", new HugeCowPolicy());
        rt.register(Policies.KIND_COW, "adaptive", new AdaptiveCowPolicy());
        rt.register(Policies.KIND_PROMOTION, "khugepaged", new Khugepaged());
        rt.register(Policies.KIND_PROMOTION, "madv-collapse", new MadvCollapse());
        rt.register(Policies.KIND_PROMOTION, "reservation", new ReservationPromoter());
        rt.register(Policies.KIND_PROMOTION, "migration-entry", new MigrationEntryPromoter());
        rt.register(Policies.KIND_PROMOTION, "damon", new DamonCollapse());
        rt.register(Policies.KIND_RECLAIM, "lru-shrinker", new LruShrinker());
        rt.register(Policies.KIND_RECLAIM, "drop-all", new DropAllReclaim());
        rt.register(Policies.KIND_RECLAIM, "underused", new UnderusedShrinker());
    }
}
