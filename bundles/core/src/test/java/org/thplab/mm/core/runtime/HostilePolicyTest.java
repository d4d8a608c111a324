package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.fault.AnonFault;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.PromotionPolicy;

/**
 * Hostile policies, beyond the broken ones of {@link ContainmentTest}: one that uses a mechanism
 * from a thread of its own, one that keeps its context and uses it after the call returned (from
 * a timer, or from another machine's call), one that sleeps, one that spins, one that allocates
 * until the heap runs out. Each is disabled on its machine with the reason {@code policy} shows,
 * the operation completes with the fallback, nothing it tried from outside its call happened, and
 * {@code check} and {@code verify} stay green (docs/reliability.md, "Hostile policies").
 */
class HostilePolicyTest {
    static final long M = 1L << 20;

    static MmRuntime runtime() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        return rt;
    }

    /** The candidate line of the policy called name, as {@code policy} shows it. */
    static String candidate(PolicyAdmin p, String kind, String name) {
        for (PolicyInfo i : p.policies()) {
            if (i.kind().equals(kind)) {
                for (String c : i.candidates()) {
                    if (c.startsWith(name + " ")) {
                        return c;
                    }
                }
            }
        }
        throw new AssertionError("no " + kind + " policy " + name);
    }

    /** A machine with the hostile fault policy selected, a process p and an 8 MiB region r. */
    static SimulatedMachine machine(MmRuntime rt, String name, Object policy) {
        SimulatedMachine m = rt.create(name);
        m.ops().boot(256 * M, 0, 0);
        m.policyAdmin().usePolicy(Policies.KIND_FAULT, "hostile");
        m.ops().spawn("p");
        m.ops().mmap("p", "r", 8 * M);
        return m;
    }

    static void consistent(SimulatedMachine m) {
        assertEquals(List.of(), m.ops().check());
        assertEquals(0, m.ops().verify("p", "r"));
    }

    /** Maps a THP from a thread it starts, and waits for that thread, all inside its call. */
    static final class ThreadHopper implements FaultPolicy {
        volatile RuntimeException refused;
        volatile FaultOutcome mapped;

        @Override
        public FaultOutcome fault(AnonFault f) {
            Thread t = new Thread(() -> {
                try {
                    mapped = f.mapNewHugePage();
                } catch (RuntimeException e) {
                    refused = e;
                }
            }, "hostile-helper");
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FaultOutcome.FALLBACK;
        }
    }

    @Test
    void aPolicyThatUsesAMechanismFromAThreadOfItsOwn() {
        MmRuntime rt = runtime();
        ThreadHopper hopper = new ThreadHopper();
        rt.register(Policies.KIND_FAULT, "hostile", hopper);
        SimulatedMachine m = machine(rt, "m", hopper);
        assertTrue(m.ops().touch("p", "r", 0, 8 * M, true).ok(), "completed by the fallback");
        assertNotNull(hopper.refused, "the helper thread's mapNewHugePage() is refused");
        assertEquals(null, hopper.mapped);
        String reason = "used its context from thread 'hostile-helper' during a call on thread '"
                + Thread.currentThread().getName() + "' (a context is valid only on the thread its call runs on)";
        assertEquals(reason, hopper.refused.getMessage());
        assertEquals("hostile (embedded 0) [disabled: " + reason + "]", candidate(m.policyAdmin(), "fault", "hostile"));
        assertEquals(0, m.ops().vmstat().get("thp_fault_alloc"), "nothing mapped from the other thread");
        consistent(m);
    }

    /** Keeps its first context and hands it to a timer thread that uses it once released. */
    static final class Stasher implements FaultPolicy {
        final CountDownLatch release = new CountDownLatch(1);
        volatile RuntimeException refused;
        Thread timer;

        @Override
        public FaultOutcome fault(AnonFault f) {
            if (timer == null) {
                timer = new Thread(() -> {
                    try {
                        release.await();
                        f.mapNewHugePage();
                    } catch (RuntimeException e) {
                        refused = e;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "hostile-timer");
                timer.start();
            }
            return FaultOutcome.FALLBACK;
        }
    }

    @Test
    void aPolicyThatKeepsItsContextAndUsesItAfterTheCallReturned() throws Exception {
        MmRuntime rt = runtime();
        Stasher stasher = new Stasher();
        rt.register(Policies.KIND_FAULT, "hostile", stasher);
        SimulatedMachine m = machine(rt, "m", stasher);
        assertTrue(m.ops().touch("p", "r", 0, 4096, true).ok());
        stasher.release.countDown(); // the operation is over; the timer uses the kept context now
        stasher.timer.join(10_000);
        assertNotNull(stasher.refused);
        String reason = "used its context on thread 'hostile-timer' after the call had returned"
                + " (a context is valid only during the call it was handed to)";
        assertEquals(reason, stasher.refused.getMessage());
        assertTrue(m.ops().touch("p", "r", 4096, 4 * M, true).ok(), "the next operation takes the failure");
        assertEquals("hostile (embedded 0) [disabled: " + reason + "]", candidate(m.policyAdmin(), "fault", "hostile"));
        assertEquals(0, m.ops().vmstat().get("thp_fault_alloc"));
        consistent(m);
    }

    /** One instance serves two machines (as an OSGi service does): uses a's context in b's call. */
    static final class CrossMachine implements FaultPolicy {
        AnonFault first;

        @Override
        public FaultOutcome fault(AnonFault f) {
            if (first == null) {
                first = f;
            } else if (first != f) {
                return first.mapNewHugePage(); // the other machine's fault context
            }
            return FaultOutcome.FALLBACK;
        }
    }

    @Test
    void aPolicyThatUsesOneMachinesContextInAnothersCall() {
        MmRuntime rt = runtime();
        CrossMachine p = new CrossMachine();
        rt.register(Policies.KIND_FAULT, "hostile", p);
        SimulatedMachine a = machine(rt, "a", p);
        SimulatedMachine b = machine(rt, "b", p);
        assertTrue(a.ops().touch("p", "r", 0, 4096, true).ok());
        assertTrue(b.ops().touch("p", "r", 0, 4096, true).ok(), "completed by b's fallback");
        String reason = "used its context on thread '" + Thread.currentThread().getName()
                + "' after the call had returned (a context is valid only during the call it was handed to)";
        assertEquals("hostile (embedded 0) [disabled: fault: java.lang.IllegalStateException: " + reason + "]",
                candidate(b.policyAdmin(), "fault", "hostile"), "b: the call threw");
        assertTrue(a.ops().touch("p", "r", 4096, 4096, true).ok());
        assertEquals("hostile (embedded 0) [disabled: " + reason + "]", candidate(a.policyAdmin(), "fault", "hostile"),
                "a: its context was used");
        for (SimulatedMachine m : List.of(a, b)) {
            assertEquals(0, m.ops().vmstat().get("thp_fault_alloc"));
            consistent(m);
        }
    }

    /** Sleeps for a minute in its first call; an interrupted sleep ends it quietly. */
    static final class Sleeper implements FaultPolicy {
        volatile boolean interrupted;

        @Override
        public FaultOutcome fault(AnonFault f) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted = true; // and swallows it
            }
            return FaultOutcome.FALLBACK;
        }
    }

    private static final String OVER_BUDGET = "ran past its time budget (1000 ms simulated or 2000 ms wall per call)";

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPolicyThatSleeps() {
        MmRuntime rt = runtime();
        Sleeper sleeper = new Sleeper();
        rt.register(Policies.KIND_FAULT, "hostile", sleeper);
        SimulatedMachine m = machine(rt, "m", sleeper);
        long t0 = System.nanoTime();
        assertTrue(m.ops().touch("p", "r", 0, 4096, true).ok());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(sleeper.interrupted, "the watchdog interrupted the sleep");
        assertTrue(ms >= 2000 && ms < 30_000, ms + " ms: stopped at its 2 s budget, not after its 60 s");
        assertFalse(Thread.currentThread().isInterrupted(), "the interrupt was taken back from the machine's thread");
        assertEquals("hostile (embedded 0) [disabled: fault: " + OVER_BUDGET + "]", candidate(m.policyAdmin(), "fault", "hostile"));
        consistent(m);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPolicyThatSpinsWithoutUsingAMechanism() {
        MmRuntime rt = runtime();
        FaultPolicy spinner = f -> {
            long end = System.nanoTime() + 3_000_000_000L; // ignores the interrupt; returns on its own
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            return FaultOutcome.FALLBACK;
        };
        rt.register(Policies.KIND_FAULT, "hostile", spinner);
        SimulatedMachine m = machine(rt, "m", spinner);
        assertTrue(m.ops().touch("p", "r", 0, 4096, true).ok());
        assertFalse(Thread.interrupted(), "the interrupt was taken back");
        assertEquals("hostile (embedded 0) [disabled: fault: " + OVER_BUDGET + "]", candidate(m.policyAdmin(), "fault", "hostile"));
        consistent(m);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPromoterThatSpinsOnAMechanismThatTakesNoSimulatedTime() {
        MmRuntime rt = runtime();
        PromotionPolicy spinner = new PromotionPolicy() {
            @Override
            public long nextWake(PromotionContext ctx) {
                return 10_000_000L;
            }

            @Override
            public void wake(PromotionContext ctx) {
                int mm = ctx.mmOf("p");
                long start = ctx.vmas(mm).get(0).start();
                while (true) {
                    // Checked, but costs no simulated time and changes nothing: once the JIT has
                    // compiled the loop, nothing in it forces a fresh read of a plain field.
                    ctx.thpAllowed(mm, start, true);
                }
            }
        };
        rt.register(Policies.KIND_PROMOTION, "spins", spinner);
        SimulatedMachine m = rt.create("m");
        m.ops().boot(256 * M, 0, 0);
        m.ops().spawn("p");
        m.ops().mmap("p", "r", 8 * M);
        m.policyAdmin().usePolicy(Policies.KIND_PROMOTION, "+spins");
        m.ops().tick(50_000_000L);
        assertEquals("spins (embedded 0) [disabled: wake: " + OVER_BUDGET + "]", candidate(m.policyAdmin(), "promotion", "spins"));
        assertTrue(m.ops().touch("p", "r", 0, 8 * M, true).ok());
        consistent(m);
    }

    /**
     * A policy that allocates until the heap runs out, in a JVM of its own with a small heap
     * ({@link HostileHeapMain}): an OutOfMemoryError in the test's own JVM could hit any thread.
     */
    @Test
    void aPolicyThatAllocatesWithoutBound() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                HostileHeapMain.class.getName()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM ended");
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("hog (embedded 0) [disabled: fault: java.lang.OutOfMemoryError: Java heap space]"), out);
        assertTrue(out.contains("check []\nverify 0\n"), out);
        assertTrue(out.contains("heap back\n"), out);
    }
}
