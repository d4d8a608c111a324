package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.fault.AnonFault;
import org.thplab.mm.spi.fault.FaultPolicy;

/**
 * Hostile policies, beyond the broken ones of {@link ContainmentTest}: one that uses a mechanism
 * from a thread of its own, one that keeps its context and uses it after the call returned (from
 * a timer, or from another machine's call). Each is disabled on its machine with the reason
 * {@code policy} shows, the operation completes with the fallback, nothing it tried from outside
 * its call happened, and {@code check} and {@code verify} stay green.
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
}
