package org.thplab.mm.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.trace.Tracer;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.fault.FaultPolicy;

/** The fence's side of the watchdog, driven by hand (the watchdog's own timing is HostilePolicyTest's). */
class PolicyGuardTest {
    private static PolicyGuard guard(FaultPolicy p) {
        Clock clock = new Clock();
        PolicyGuard g = new PolicyGuard(clock, new Tracer(clock));
        g.begin(ActivePolicies.of(null, p, null, null, List.of()));
        return g;
    }

    @Test
    void aStoppedCallFailsWhenItReturns() {
        FaultPolicy p = f -> FaultOutcome.FALLBACK;
        PolicyGuard g = guard(p);
        boolean returned = g.call(p, "fault", g, (policy, guard) -> guard.stop(guard.callInProgress()));
        assertFalse(returned, "failed: the watchdog stopped it");
        assertFalse(Thread.interrupted(), "the watchdog's interrupt was taken back");
        assertFalse(g.usable(p));
        assertEquals("fault: " + PolicyGuard.OVER_BUDGET, g.takeFailures().get(0).reason());
    }

    /**
     * A return path compiled with the start of the call may read the deadline the call began
     * with, not the watchdog's poke: the watchdog then fails the policy once the call is over.
     */
    @Test
    void aStopTheFenceDidNotSeeIsSettledByTheWatchdog() throws Exception {
        FaultPolicy p = f -> FaultOutcome.FALLBACK;
        PolicyGuard g = guard(p);
        Field simDeadline = PolicyGuard.class.getDeclaredField("simDeadline");
        Field deadline = PolicyGuard.class.getDeclaredField("deadline");
        simDeadline.setAccessible(true);
        deadline.setAccessible(true);
        long[] stopped = {-1};
        boolean returned = g.call(p, "fault", g, (policy, guard) -> {
            stopped[0] = guard.callInProgress();
            guard.stop(stopped[0]);
            assertFalse(guard.stopSettled(stopped[0], p, Thread.currentThread()), "still in progress");
            try {
                simDeadline.setLong(guard, deadline.getLong(guard)); // the stale read
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(returned, "the fence did not see it");
        assertTrue(g.stopSettled(stopped[0], p, Thread.currentThread()));
        assertFalse(g.usable(p), "failed at the next look");
        assertFalse(Thread.interrupted(), "the interrupt taken back on the thread it was meant for");
        assertEquals(PolicyGuard.OVER_BUDGET, g.takeFailures().get(0).reason());
        assertTrue(g.stopSettled(stopped[0], p, Thread.currentThread()), "settled once");
    }
}
