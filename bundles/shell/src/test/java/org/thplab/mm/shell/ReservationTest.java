package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.spi.Policies;
import org.thplab.policy.faultreservation.ReservationFaultPolicy;
import org.thplab.policy.promotereservation.ReservationPromoter;

/** Reservation behaviour that scripts cannot select: promotion at the fault, and the RFC's CoW release. */
class ReservationTest {

    private static Commands machine(MmRuntime rt) {
        Commands sh = Harness.commands(rt);
        sh.execute("boot 1G");
        sh.execute("sysfs enabled always");
        sh.execute("policy use fault reservation");
        sh.execute("policy disable promotion khugepaged");
        sh.execute("spawn p");
        sh.execute("mmap p a 2M");
        return sh;
    }

    @Test
    void promotionAtTheFaultThatCrossesTheThreshold() {
        MmRuntime rt = Harness.runtime();
        MachineOps mm = Harness.ops(rt);
        rt.register(Policies.KIND_PROMOTION, "reservation", new ReservationPromoter(true));
        Commands sh = machine(rt);
        sh.execute("sysfs promotion_threshold 64");
        sh.execute("touch p a 0 252K write");
        assertEquals(0, mm.smaps("p", "a").get(0).anonHugeKb(), "63 pages: below the threshold");
        assertEquals(512 - 63, mm.vmstat().get("nr_thp_reserved"));
        long t0 = mm.now();
        sh.execute("touch p a 252K 4K write"); // the 64th page
        assertEquals(2048, mm.smaps("p", "a").get(0).anonHugeKb(), "promoted during the fault");
        assertEquals(0, mm.vmstat().get("nr_thp_reserved"));
        assertEquals(0, mm.vmstat().get("thp_collapse_alloc"), "in place: no huge page allocated");
        assertEquals("1", mm.tunables().all().get("khugepaged/res_pages_collapsed"));
        // No copy: the fault plus zeroing the 448 unused pages and a TLB flush.
        long cost = mm.now() - t0;
        assertTrue(cost < 512 * 400, "in-place promotion costs less than a 2 MiB copy: " + cost);
        sh.execute("touch p a 0 2M write");
        assertEquals("ok", sh.execute("verify p a"));
        assertEquals(List.of(), mm.check());
    }

    @Test
    void theRfcAsPostedReleasesTheReservationOnTheOwnersCow() {
        for (boolean release : new boolean[] {false, true}) {
            MmRuntime rt = Harness.runtime();
            MachineOps mm = Harness.ops(rt);
            rt.register(Policies.KIND_FAULT, "reservation", new ReservationFaultPolicy(false, true, release));
            Commands sh = machine(rt);
            sh.execute("touch p a 0 8K write");
            sh.execute("fork p c");
            sh.execute("touch p a 0 4K write"); // the owner's CoW
            assertEquals(release ? 0 : 510, mm.vmstat().get("nr_thp_reserved"), "release_on_cow=" + release);
            assertEquals(List.of(), mm.check());
            assertEquals("ok", sh.execute("verify p a"));
            assertEquals("ok", sh.execute("verify c a"));
        }
    }
}
