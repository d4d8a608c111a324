package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.fault.AnonFault;
import org.thplab.mm.spi.fault.FaultPolicy;

/**
 * FaultPolicy.mapsBelowPmd(): a policy that maps only multi-size THPs below a PTE table is not
 * asked at the base-page faults of a VMA where no such order is allowed (alloc_anon_folio()'s
 * early fallback), is asked again once one is, is asked with the VMA's own mask (madvise orders
 * only in a MADV_HUGEPAGE VMA), and one whose answer throws is disabled like any failed call.
 */
class MapsBelowPmdTest {
    static final long M = 1L << 20;
    /** Orders 2..8: the anonymous mTHP sizes below PMD_ORDER. */
    static final int BELOW_PMD = (1 << 9) - (1 << 2);

    /** Falls back at every fault (the core maps base pages) and counts where it was asked. */
    static final class Counting implements FaultPolicy {
        final List<Integer> masks = new ArrayList<>();
        int pmdNoneFaults;
        int belowPmdFaults;
        boolean throwing;

        @Override
        public boolean mapsBelowPmd(int allowableOrders) {
            if (throwing) {
                throw new IllegalStateException("no answer");
            }
            masks.add(allowableOrders);
            return (allowableOrders & BELOW_PMD) != 0;
        }

        @Override
        public FaultOutcome fault(AnonFault f) {
            if (f.pmdNone()) {
                pmdNoneFaults++;
            } else {
                belowPmdFaults++;
            }
            return FaultOutcome.FALLBACK;
        }
    }

    static SimulatedMachine machine(Counting p) {
        MmRuntime rt = HostilePolicyTest.runtime();
        rt.register(Policies.KIND_FAULT, "counting", p);
        SimulatedMachine m = rt.create("m");
        m.ops().boot(256 * M, 0, 0);
        m.policyAdmin().usePolicy(Policies.KIND_FAULT, "counting");
        m.ops().spawn("p");
        return m;
    }

    @Test
    void notAskedBelowThePmdWhenNoSmallerOrderIsAllowed() {
        Counting p = new Counting();
        MachineOps mm = machine(p).ops();
        mm.sysfs("enabled", "never");
        mm.mmap("p", "r", 4 * M);
        assertTrue(mm.touch("p", "r", 0, 4 * M, true).ok());
        // Two 2 MiB ranges: the first fault of each finds its PMD empty (create_huge_pmd());
        // the other 1022 faults are below a PTE table and go unasked.
        assertEquals(2, p.pmdNoneFaults);
        assertEquals(0, p.belowPmdFaults);
        assertEquals(List.of(0), p.masks, "asked once, for the one VMA, with no order allowed");
        assertEquals(1024, mm.vmstat().get("pgfault"));
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "r"));
    }

    @Test
    void askedAtEveryFaultOnceASmallerOrderIsAllowed() {
        Counting p = new Counting();
        MachineOps mm = machine(p).ops();
        mm.sysfs("enabled", "never");
        mm.sysfs("hugepages-64kB/enabled", "always");
        mm.mmap("p", "r", 2 * M);
        assertTrue(mm.touch("p", "r", 0, 2 * M, true).ok());
        assertEquals(1, p.pmdNoneFaults);
        assertEquals(511, p.belowPmdFaults);
        assertEquals(List.of(1 << 4), p.masks);
    }

    @Test
    void theMaskIsTheVmasOwn() {
        Counting p = new Counting();
        MachineOps mm = machine(p).ops();
        mm.sysfs("enabled", "never");
        mm.sysfs("hugepages-32kB/enabled", "madvise");
        mm.mmap("p", "plain", 2 * M);
        mm.mmap("p", "advised", 2 * M);
        assertTrue(mm.madvise("p", "advised", 0, 2 * M, org.thplab.mm.api.Advice.HUGEPAGE).ok());
        assertTrue(mm.touch("p", "plain", 0, 2 * M, true).ok());
        assertEquals(0, p.belowPmdFaults, "32 kB folios only where MADV_HUGEPAGE asked for them");
        assertTrue(mm.touch("p", "advised", 0, 2 * M, true).ok());
        assertEquals(511, p.belowPmdFaults);
        assertEquals(List.of(0, 1 << 3), p.masks);
    }

    @Test
    void anAnswerThatThrowsDisablesThePolicy() {
        Counting p = new Counting();
        p.throwing = true;
        SimulatedMachine m = machine(p);
        MachineOps mm = m.ops();
        mm.mmap("p", "r", 2 * M);
        assertTrue(mm.touch("p", "r", 0, 2 * M, true).ok(), "the fallback serves the touch");
        assertEquals(0, p.pmdNoneFaults + p.belowPmdFaults, "a failed policy is asked nothing more");
        assertEquals("counting (embedded 0) [disabled: mapsBelowPmd: java.lang.IllegalStateException: no answer]",
                HostilePolicyTest.candidate(m.policyAdmin(), "fault", "counting"));
        assertEquals(512, mm.vmstat().get("pgfault"));
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "r"));
    }
}
