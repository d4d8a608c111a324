package org.thplab.mm.core.promote;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.trace.Tracer;

/**
 * Skips promoter wakes that can change nothing, so that a long {@code tick} over a quiet machine
 * takes no longer than a short one: khugepaged on a list of processes it cannot collapse wakes
 * every scan_sleep_millisecs, scans, counts (thp_scan_exceed_*, full_scans) and sleeps again,
 * and {@code tick 153722867min} would be about 10^9 such wakes.
 *
 * <p>The skip is exact: the counters and times are those of running every wake. At the start of
 * each promoter wake it takes the state that decides what the daemons do next: the daemon that
 * runs, the pending events in order with their times from now, and every daemon's
 * {@code scanCursor}. The machine itself stays as it was while no wake calls a mechanism that may
 * change it ({@link Promotion#mutations}) and no other event (kswapd, kcompactd) runs; operations
 * do not run inside one runUntil. When that state comes back (Brent's cycle detection: constant
 * memory), the wakes in between form a cycle, which repeats as often as the time left to the end
 * of the tick, or to the first other pending event, holds. Those cycles' counters (every vm event
 * and khugepaged's full_scans) are added and the daemons' events move that many cycles later.
 *
 * <p>Two daemons whose wakes cost differently (khugepaged and the reservation promoter, both
 * every scan_sleep_millisecs) never come back to the same times from each other: one drifts
 * against the other by the difference of their costs every cycle. While no wake starts late (one
 * daemon's work running past the next one's time) they do not affect each other, so the cycle
 * still repeats, with each daemon's events drifting by what they drifted in it, until two of them
 * would meet; the skip stops short of that, and from there they run until they lock together or
 * pass. Not with tracing on (every scan emits an event), and not while a daemon's cursor is
 * unknown. {@code -Dthplab.skip-idle-passes=false} runs every wake, to compare.
 */
final class IdlePasses {
    private final boolean enabled = !"false".equals(System.getProperty("thplab.skip-idle-passes"));
    private final Clock clock;
    private final VmStat stat;
    private final ThpTunables tunables;
    private final Tracer trace;
    private final Promotion ctx;

    /** Promoter wakes seen, and the daemon of the last one. */
    private long wakes;
    private String previous;

    // The checkpoint: its state, its pending events' times from then, and what had been counted.
    private List<Object> key;
    private List<Long> fromThen;
    private long run = -1;
    private long time;
    private long events;
    private long wakesThen;
    private long mutations;
    private long[] counters;
    private long fullScans;
    /** Since the checkpoint: whether a wake started late, and each pair of successive daemons' least gap. */
    private boolean late;
    private final Map<List<String>, Long> gaps = new HashMap<>();
    // Brent: the checkpoint moves to the current wake after power steps; power doubles.
    private long power;
    private long steps;

    IdlePasses(Kernel k, Promotion ctx) {
        this.clock = k.clock();
        this.stat = k.stat();
        this.tunables = k.tunables();
        this.trace = k.trace();
        this.ctx = ctx;
    }

    /** Something other than a wake that can change nothing happened (a failed policy call). */
    void reset() {
        run = -1;
    }

    /**
     * At the start of the wake of {@code running}: skips whole cycles when the state is back, so
     * that the wake then runs that many cycles later.
     *
     * @param daemon which event names are promoter daemons
     * @param cursorOf a daemon's scan cursor, null when it cannot say
     * @return true when cycles were skipped
     */
    boolean skip(String running, Predicate<String> daemon, Function<String, Object> cursorOf) {
        if (!enabled || clock.until() <= clock.now()) {
            // No cycle can be skipped in this run (the events due at the end of an operation):
            // no key is taken, so such wakes cost nothing more. A later run starts afresh.
            return false;
        }
        wakes++;
        long gap = clock.scheduled() - clock.lastEnd(); // negative: this wake starts late
        String before = previous;
        previous = running;
        List<String> pendingNames = new ArrayList<>();
        List<Long> fromNow = new ArrayList<>();
        clock.pending(pendingNames, fromNow);
        List<Object> now = state(running, pendingNames, daemon, cursorOf);
        boolean valid = now != null && !trace.on() && clock.run() == run
                && clock.eventsRun() - events == wakes - wakesThen && ctx.mutations() == mutations;
        if (!valid) {
            power = 1;
            checkpoint(now, fromNow);
            return false;
        }
        late |= gap < 0;
        gaps.merge(java.util.Arrays.asList(before, running), gap, Math::min);
        if (now.equals(key) && skipCycles(running, daemon, pendingNames, fromNow)) {
            reset();
            return true;
        }
        if (++steps == power) {
            power <<= 1;
            checkpoint(now, fromNow);
        }
        return false;
    }

    private static List<Object> state(String running, List<String> pending, Predicate<String> daemon,
            Function<String, Object> cursorOf) {
        List<Object> s = new ArrayList<>(2 * pending.size() + 3);
        s.add(running);
        s.add(cursorOf.apply(running));
        for (String n : pending) {
            Object c = daemon.test(n) ? cursorOf.apply(n) : n;
            s.add(n);
            s.add(c);
        }
        return s.contains(null) ? null : s;
    }

    private boolean skipCycles(String running, Predicate<String> daemon, List<String> pendingNames,
            List<Long> fromNow) {
        long cycle = clock.now() - time;
        long bound = Math.min(clock.until(), clock.firstEventExcept(daemon));
        if (cycle <= 0 || bound <= clock.now()) {
            return false;
        }
        long k = (bound - clock.now()) / cycle;
        // What each pending event drifted against the running daemon in one cycle.
        Map<String, Long> drift = new HashMap<>();
        drift.put(running, 0L);
        boolean drifting = false;
        for (int i = 0; i < pendingNames.size(); i++) {
            if (daemon.test(pendingNames.get(i))) { // another event stays where it is: the bound
                long d = fromNow.get(i) - fromThen.get(i);
                drift.put(pendingNames.get(i), d);
                drifting |= d != 0;
            }
        }
        if (drifting) {
            if (late) {
                return false; // wakes pushed one another: their times depend on each other
            }
            for (var g : gaps.entrySet()) {
                Long dx = drift.get(g.getKey().get(0));
                Long dy = drift.get(g.getKey().get(1));
                if (dx == null || dy == null) {
                    return false;
                }
                long closing = dx - dy; // how much the gap between the two shrinks every cycle
                if (closing > 0) {
                    k = Math.min(k, g.getValue() / closing);
                }
            }
        }
        if (k <= 0) {
            return false;
        }
        Map<String, Long> by = new HashMap<>();
        try {
            for (int i = 0; i < pendingNames.size(); i++) {
                String n = pendingNames.get(i);
                if (daemon.test(n)) {
                    long shift = Math.multiplyExact(k, cycle + drift.get(n));
                    Math.addExact(clock.now() + fromNow.get(i), shift);
                    by.put(n, shift);
                }
            }
            long scans = Math.addExact(tunables.fullScans, Math.multiplyExact(tunables.fullScans - fullScans, k));
            stat.addTimes(counters, stat.snapshot(), k);
            tunables.fullScans = scans;
        } catch (ArithmeticException overflow) {
            return false; // a time or a counter would wrap: run the wakes instead
        }
        clock.skipAhead(k * cycle, n -> by.getOrDefault(n, -1L));
        return true;
    }

    private void checkpoint(List<Object> now, List<Long> fromNow) {
        key = now;
        fromThen = fromNow;
        run = clock.run();
        time = clock.now();
        events = clock.eventsRun();
        wakesThen = wakes;
        mutations = ctx.mutations();
        counters = stat.snapshot();
        fullScans = tunables.fullScans;
        late = false;
        gaps.clear();
        steps = 0;
    }
}
