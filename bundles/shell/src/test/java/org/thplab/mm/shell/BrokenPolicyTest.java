package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.alloc.PhysicalMemory;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.PromotionPolicy;

/**
 * Deliberately broken policies are contained: the operation completes with the built-in
 * fallback, the policy is disabled with the reason the user sees in {@code mm:policy}, and the
 * machine runs on with nothing lost.
 */
class BrokenPolicyTest {

    /** Runs a workload with the broken policy selected; returns mm:policy's output. */
    private static String run(String kind, String name, Object policy, String... extra) {
        MmRuntime rt = Harness.runtime();
        rt.register(kind, name, policy);
        Commands sh = Harness.commands(rt);
        sh.execute("boot 256M");
        sh.execute("sysfs enabled always");
        sh.execute("sysfs khugepaged/scan_sleep_millisecs 10");
        if (kind.equals(Policies.KIND_PROMOTION)) {
            sh.execute("policy enable promotion " + name);
        } else {
            sh.execute("policy use " + kind + " " + name);
        }
        sh.execute("spawn p");
        sh.execute("mmap p a 8M");
        assertEquals(null, sh.execute("touch p a 0 4M write"));
        sh.execute("fork p c");
        assertEquals(null, sh.execute("touch c a 0 4M write"));
        for (String line : extra) {
            sh.execute(line);
        }
        sh.execute("tick 50ms");
        assertEquals(null, sh.execute("touch p a 4M 4M write"));
        assertEquals("ok", sh.execute("check"), "check after a broken " + kind + " policy");
        assertEquals("ok", sh.execute("verify p a"));
        assertEquals("ok", sh.execute("verify c a"));
        String policies = sh.execute("policy");
        System.out.println("--- broken " + kind + " policy '" + name + "':\n" + policies);
        assertTrue(policies.contains(name + " (embedded 0) [disabled: "), policies);
        return policies;
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

    @Test
    void aPromoterThatLoops() {
        PromotionPolicy p = new PromotionPolicy() {
            @Override
            public long nextWake(PromotionContext ctx) {
                return 10_000_000L;
            }

            @Override
            public void wake(PromotionContext ctx) {
                while (true) {
                    ctx.charge(1_000); // never returns on its own
                }
            }
        };
        assertTrue(run(Policies.KIND_PROMOTION, "loops", p).contains("ran past its time budget"));
    }

    @Test
    void aPromoterThatLeavesAPreparedCollapse() {
        PromotionPolicy p = new PromotionPolicy() {
            @Override
            public long nextWake(PromotionContext ctx) {
                return 10_000_000L;
            }

            @Override
            public void wake(PromotionContext ctx) {
                int mm = ctx.mmOf("c"); // the child's first 2 MiB: split by its CoW, collapsible
                var scan = ctx.scanPmd(mm, ctx.vmas(mm).get(0).start(), false);
                ctx.prepareCollapse(mm, scan, false); // and never commits: its huge page would leak
            }
        };
        assertTrue(run(Policies.KIND_PROMOTION, "forgets", p, "policy disable promotion khugepaged")
                .contains("left a prepared collapse"));
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
        MmRuntime rt = Harness.runtime();
        MachineOps mm = Harness.ops(rt);
        int[] calls = {0};
        rt.register(Policies.KIND_FAULT, "flaky", (FaultPolicy) f -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("first time");
            }
            return FaultOutcome.FALLBACK;
        });
        Commands sh = Harness.commands(rt);
        sh.execute("boot 256M");
        sh.execute("policy use fault flaky");
        sh.execute("spawn p");
        sh.execute("mmap p a 2M");
        sh.execute("touch p a 0 8K write");
        assertTrue(sh.execute("policy").contains("[disabled: fault: java.lang.IllegalStateException: first time]"));
        sh.execute("policy use fault flaky");
        sh.execute("touch p a 8K 8K write");
        assertTrue(calls[0] >= 2, "called again after re-selection");
        assertEquals(List.of(), mm.check());
    }

    @Test
    void aPolicyThatFailsOnOneMachineIsDisabledThereOnly() {
        MmRuntime rt = Harness.runtime();
        rt.register(Policies.KIND_FAULT, "throws", (FaultPolicy) f -> {
            throw new IllegalStateException("boom");
        });
        Commands sh = Harness.commands(rt);
        for (String m : List.of("a", "b")) {
            sh.execute("boot --name " + m + " 64M");
            sh.execute("policy use fault throws");
            sh.execute("spawn p");
            sh.execute("mmap p r 2M");
        }
        sh.execute("use a");
        assertEquals(null, sh.execute("touch p r 0 4K"), "completed by the fallback");
        assertTrue(sh.execute("policy").contains("throws (embedded 0) [disabled: fault: java.lang.IllegalStateException: boom]"));
        sh.execute("use b");
        String b = sh.execute("policy");
        assertTrue(b.contains("fault      throws (embedded 0)"), "still selected and usable on b: " + b);
        assertFalse(b.contains("[disabled"), b);
        assertEquals(null, sh.execute("touch p r 0 4K"));
        assertTrue(sh.execute("policy").contains("throws (embedded 0) [disabled: fault: java.lang.IllegalStateException: boom]"));
        assertEquals("ok", sh.execute("check"));
        sh.execute("use a");
        assertEquals("ok", sh.execute("check"));
    }
}
