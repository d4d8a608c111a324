package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.alloc.PhysicalMemory;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.PromotionPolicy;

/**
 * Deliberately broken policies are contained (core.policy.PolicyGuard and the checks of the
 * mechanisms they call): the operation completes with the built-in fallback, the policy is
 * disabled with the reason {@code mm:policy} shows, and the machine runs on with nothing lost.
 */
class ContainmentTest {
    static final long M = 1L << 20;

    private static MmRuntime runtime() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        return rt;
    }

    /** Every candidate line of every kind, as mm:policy lists them. */
    private static String candidates(PolicyAdmin p) {
        StringBuilder b = new StringBuilder();
        for (PolicyInfo i : p.policies()) {
            b.append(i.kind()).append(": ").append(String.join(", ", i.active())).append(" / ")
                    .append(String.join(", ", i.candidates())).append('\n');
        }
        return b.toString();
    }

    /** Runs a workload with the broken policy selected; returns what mm:policy lists. */
    private static String run(String kind, String name, Object policy, String disablePromoter) {
        MmRuntime rt = runtime();
        rt.register(kind, name, policy);
        SimulatedMachine m = rt.defaultMachine();
        MachineOps mm = m.ops();
        PolicyAdmin p = m.policyAdmin();
        mm.boot(256 * M, 0, 0);
        mm.sysfs("enabled", "always");
        mm.sysfs("khugepaged/scan_sleep_millisecs", "10");
        p.usePolicy(kind, kind.equals(Policies.KIND_PROMOTION) ? "+" + name : name);
        mm.spawn("p");
        mm.mmap("p", "a", 8 * M);
        assertTrue(mm.touch("p", "a", 0, 4 * M, true).ok());
        assertTrue(mm.fork("p", "c").ok());
        assertTrue(mm.touch("c", "a", 0, 4 * M, true).ok());
        if (disablePromoter != null) {
            p.usePolicy(Policies.KIND_PROMOTION, "-" + disablePromoter);
        }
        mm.tick(50_000_000L);
        assertTrue(mm.touch("p", "a", 4 * M, 4 * M, true).ok());
        assertEquals(List.of(), mm.check(), "check after a broken " + kind + " policy");
        assertEquals(0, mm.verify("p", "a"));
        assertEquals(0, mm.verify("c", "a"));
        String policies = candidates(p);
        assertTrue(policies.contains(name + " (embedded 0) [disabled: "), policies);
        return policies;
    }

    private static String run(String kind, String name, Object policy) {
        return run(kind, name, policy, null);
    }

    @Test
    void aFaultPolicyThatThrows() {
        FaultPolicy p = f -> {
            throw new IllegalStateException("boom");
        };
        assertTrue(run(Policies.KIND_FAULT, "throws", p).contains("fault: java.lang.IllegalStateException: boom"));
    }

    @Test
    void aFaultPolicyThatAsksForAnInvariantBreak() {
        // Maps a huge page, then asks for another on the same, no longer empty, PMD.
        FaultPolicy p = f -> {
            if (f.pmdNone() && f.hugeSuitable()) {
                f.mapNewHugePage();
                return f.mapNewHugePage();
            }
            return FaultOutcome.FALLBACK;
        };
        assertTrue(run(Policies.KIND_FAULT, "twice", p).contains("the PMD is not empty"));
    }

    @Test
    void anAllocationPolicyThatLeaksAFrame() {
        AllocationPolicy p = (req, mem) -> {
            mem.takeFree(0, PhysicalMemory.WMARK_MIN); // taken and dropped
            return mem.takeFree(req.order(), PhysicalMemory.WMARK_MIN);
        };
        assertTrue(run(Policies.KIND_ALLOCATION, "leaks", p).contains("the others would have leaked; they were freed"));
    }

    @Test
    void anAllocationPolicyThatMapsAFrameTwice() {
        long[] first = {-1};
        AllocationPolicy p = (req, mem) -> {
            if (first[0] < 0) {
                first[0] = mem.takeFree(req.order(), PhysicalMemory.WMARK_MIN);
                return first[0];
            }
            return first[0]; // the same frame again
        };
        assertTrue(run(Policies.KIND_ALLOCATION, "twice", p).contains("that it did not take"));
    }

    /** A promoter woken every 10 ms of simulated time that does {@code wake} then. */
    private static PromotionPolicy wakingEvery10ms(java.util.function.Consumer<PromotionContext> wake) {
        return new PromotionPolicy() {
            @Override
            public long nextWake(PromotionContext ctx) {
                return 10_000_000L;
            }

            @Override
            public void wake(PromotionContext ctx) {
                wake.accept(ctx);
            }
        };
    }

    @Test
    void aPromoterThatLoops() {
        PromotionPolicy p = wakingEvery10ms(ctx -> {
            while (true) {
                ctx.charge(1_000); // never returns on its own
            }
        });
        assertTrue(run(Policies.KIND_PROMOTION, "loops", p).contains("ran past its time budget"));
    }

    @Test
    void aPromoterThatLeavesAPreparedCollapse() {
        PromotionPolicy p = wakingEvery10ms(ctx -> {
            int mm = ctx.mmOf("c"); // the child's first 2 MiB: split by its CoW, collapsible
            var scan = ctx.scanPmd(mm, ctx.vmas(mm).get(0).start(), false);
            ctx.prepareCollapse(mm, scan, false); // and never commits: its huge page would leak
        });
        assertTrue(run(Policies.KIND_PROMOTION, "forgets", p, "khugepaged").contains("left a prepared collapse"));
    }

    @Test
    void aPromoterThatLeavesTheMmapLockHeld() {
        PromotionPolicy p = wakingEvery10ms(ctx -> ctx.lockMmapWrite(ctx.mmOf("c"))); // and never unlocks it
        // The machine goes on (run() faults, collapses with khugepaged and checks after it): the
        // lock was released when the promoter was stopped.
        assertTrue(run(Policies.KIND_PROMOTION, "holds", p).contains("left the mmap lock held for write"));
    }

    @Test
    void aCowPolicyThatThrows() {
        CowPolicy p = f -> {
            throw new UnsupportedOperationException("no CoW today");
        };
        assertTrue(run(Policies.KIND_COW, "throws", p).contains("hugeWriteFault: java.lang.UnsupportedOperationException"));
    }

    @Test
    void reselectingABrokenPolicyGivesItAnotherChance() {
        MmRuntime rt = runtime();
        int[] calls = {0};
        rt.register(Policies.KIND_FAULT, "flaky", (FaultPolicy) f -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("first time");
            }
            return FaultOutcome.FALLBACK;
        });
        MachineOps mm = rt.defaultMachine().ops();
        PolicyAdmin p = rt.defaultMachine().policyAdmin();
        mm.boot(256 * M, 0, 0);
        p.usePolicy("fault", "flaky");
        mm.spawn("p");
        mm.mmap("p", "a", 2 * M);
        mm.mmap("p", "b", 2 * M); // a fresh region: khugepaged, woken by p's first fault, may have collapsed a
        assertTrue(mm.touch("p", "a", 0, 8192, true).ok());
        assertTrue(candidates(p).contains("[disabled: fault: java.lang.IllegalStateException: first time]"));
        p.usePolicy("fault", "flaky");
        assertTrue(mm.touch("p", "b", 0, 8192, true).ok());
        assertTrue(calls[0] >= 2, "called again after re-selection");
        assertEquals(List.of(), mm.check());
    }

    @Test
    void aPolicyThatFailsOnOneMachineIsDisabledThereOnly() {
        MmRuntime rt = runtime();
        rt.register(Policies.KIND_FAULT, "throws", (FaultPolicy) f -> {
            throw new IllegalStateException("boom");
        });
        String disabled = "throws (embedded 0) [disabled: fault: java.lang.IllegalStateException: boom]";
        SimulatedMachine a = rt.create("a");
        SimulatedMachine b = rt.create("b");
        for (SimulatedMachine m : List.of(a, b)) {
            m.ops().boot(64 * M, 0, 0);
            m.policyAdmin().usePolicy("fault", "throws");
            m.ops().spawn("p");
            m.ops().mmap("p", "r", 2 * M);
        }
        assertTrue(a.ops().touch("p", "r", 0, 4096, false).ok(), "completed by the fallback");
        assertTrue(candidates(a.policyAdmin()).contains(disabled));
        String onB = candidates(b.policyAdmin());
        assertTrue(onB.contains("fault: throws (embedded 0) / "), "still selected and usable on b: " + onB);
        assertFalse(onB.contains("[disabled"), onB);
        assertTrue(b.ops().touch("p", "r", 0, 4096, false).ok());
        assertTrue(candidates(b.policyAdmin()).contains(disabled));
        assertEquals(List.of(), a.ops().check());
        assertEquals(List.of(), b.ops().check());
    }
}
