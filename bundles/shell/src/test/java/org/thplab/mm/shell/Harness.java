package org.thplab.mm.shell;

import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.spi.Policies;
import org.thplab.policy.allocbuddy.BuddyAllocationPolicy;
import org.thplab.policy.cowhuge.HugeCowPolicy;
import org.thplab.policy.cowpte.PteCowPolicy;
import org.thplab.policy.faultbase.BaseFaultPolicy;
import org.thplab.policy.faultthp.ThpFaultPolicy;
import org.thplab.policy.promotekhugepaged.Khugepaged;
import org.thplab.policy.promotemadvcollapse.MadvCollapse;
import org.thplab.policy.promotemigrationentry.MigrationEntryPromoter;
import org.thplab.policy.faultreservation.ReservationFaultPolicy;
import org.thplab.policy.promotereservation.ReservationPromoter;
import org.thplab.policy.reclaimdropall.DropAllReclaim;
import org.thplab.policy.reclaimlrushrinker.LruShrinker;

/** The runtime with the Linux-default policy bundles, wired by hand as SCR wires them in the framework. */
final class Harness {
    private Harness() {
    }

    static MmRuntime runtime() {
        MmRuntime rt = new MmRuntime();
        rt.register(Policies.KIND_ALLOCATION, "buddy", new BuddyAllocationPolicy());
        rt.register(Policies.KIND_FAULT, "thp", new ThpFaultPolicy());
        rt.register(Policies.KIND_FAULT, "base", new BaseFaultPolicy());
        rt.register(Policies.KIND_COW, "pte", new PteCowPolicy());
        rt.register(Policies.KIND_COW, "huge", new HugeCowPolicy());
        rt.register(Policies.KIND_PROMOTION, "khugepaged", new Khugepaged());
        rt.register(Policies.KIND_PROMOTION, "madv-collapse", new MadvCollapse());
        rt.register(Policies.KIND_FAULT, "reservation", new ReservationFaultPolicy());
        rt.register(Policies.KIND_PROMOTION, "reservation", new ReservationPromoter());
        rt.register(Policies.KIND_RECLAIM, "lru-shrinker", new LruShrinker());
        rt.register(Policies.KIND_RECLAIM, "drop-all", new DropAllReclaim());
        rt.register(Policies.KIND_PROMOTION, "migration-entry", new MigrationEntryPromoter());
        return rt;
    }
}
