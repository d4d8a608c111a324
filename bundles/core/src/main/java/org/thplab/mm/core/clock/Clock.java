package org.thplab.mm.core.clock;

import java.util.PriorityQueue;

/**
 * Simulated time and the machine's event queue. Operations advance time by what they cost;
 * daemons (kswapd, kcompactd, promoters) are events that run, in (time, sequence) order, when
 * time reaches them: the machine is one deterministic event loop.
 */
public final class Clock {
    /**
     * Events that may run one after another without simulated time moving: far more than any
     * operation's daemons need at one instant, few enough that a loop is refused in well under
     * a second of wall time.
     */
    static final int MAX_EVENTS_AT_ONE_INSTANT = 1_000_000;

    private long now;
    private long seq;
    /** Events run since boot, runUntil calls since boot, and the current call's end. */
    private long eventsRun;
    private long runs;
    private long until;
    /** The running event's time, and the time when the event before it ended. */
    private long scheduled;
    private long lastEnd;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    /** A recording's sampler (not an event: the daemons' order and idle passes do not see it), its next instant. */
    private java.util.function.LongConsumer watcher;
    private long watchAt = Long.MAX_VALUE;
    private long watchEvery;

    private record Event(long time, long seq, String name, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    public long now() {
        return now;
    }

    /**
     * A thread of a process runs its operation on its own CPU's clock, which may be behind the
     * machine's (the latest any CPU reached): time goes back to {@code t} for the operation. No
     * event is due before the machine's time (they ran at the end of the operation before), so
     * the queue's order holds; {@link #resume} brings time back.
     *
     * @return the machine's time, for {@link #resume}
     */
    public long rewind(long t) {
        long machine = now;
        now = Math.min(now, t);
        return machine;
    }

    /** The thread's operation ended: time is the latest of its CPU's clock and the machine's. */
    public void resume(long machine) {
        now = Math.max(now, machine);
    }

    /** Calls {@code w} with each instant now + k * every (k >= 1) once time has reached it; null stops. */
    public void watch(long every, java.util.function.LongConsumer w) {
        watcher = w;
        watchEvery = every;
        watchAt = w == null ? Long.MAX_VALUE : now + every;
    }

    /** @return whether a recording watches the time */
    public boolean watching() {
        return watcher != null;
    }

    /**
     * Where the machine's state is whole (between two faults, two events, after an operation):
     * the watcher sees every instant time has reached, with the state as it is now.
     */
    public void observe() {
        if (now >= watchAt && watcher != null) {
            seen(now);
        }
    }

    private void seen(long t) {
        while (watchAt <= t) {
            long at = watchAt;
            watchAt = watchEvery > Long.MAX_VALUE - at ? Long.MAX_VALUE : at + watchEvery;
            watcher.accept(at);
        }
    }

    /** Charges {@code nanos} of simulated work; time stops at its end (2^63 - 1 ns) rather than wrap. */
    public void charge(long nanos) {
        now = nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }

    /** Schedules {@code action} at now + delay, unless an event of that name is already pending. */
    public void scheduleOnce(String name, long delay, Runnable action) {
        for (Event e : queue) {
            if (e.name.equals(name)) {
                return;
            }
        }
        schedule(name, delay, action);
    }

    /**
     * Schedules {@code action} at now + delay; not at all when that is past the end of time, where
     * no tick can reach it (rather than at a wrapped, negative time, which would run at once).
     */
    public void schedule(String name, long delay, Runnable action) {
        if (delay <= Long.MAX_VALUE - now) {
            queue.add(new Event(now + delay, seq++, name, action));
        }
    }

    /** Drops pending events of that name. */
    public void cancel(String name) {
        queue.removeIf(e -> e.name.equals(name));
    }

    /** Runs every event due at or before now (their cost advances time further). */
    public void runDue() {
        runUntil(now);
    }

    /** Runs events due up to {@code until} in (time, sequence) order, then sets the time to at least {@code until}. */
    public void runUntil(long until) {
        begin(until);
        long instant = -1;
        int atInstant = 0;
        while (!queue.isEmpty() && queue.peek().time <= until) {
            Event e = queue.poll();
            if (watchAt < Math.max(now, e.time)) {
                seen(Math.max(now, e.time) - 1);
            }
            starting(e);
            if (now != instant) {
                instant = now;
                atInstant = 0;
            } else if (++atInstant >= MAX_EVENTS_AT_ONE_INSTANT) {
                // An event that reschedules itself without its work taking time: a loop that
                // makes no progress. The event is dropped; the operation that ran it fails.
                throw new IllegalStateException("simulated time stopped at " + now + " ns: event '" + e.name
                        + "' ran " + MAX_EVENTS_AT_ONE_INSTANT + " times without advancing it; dropped");
            }
            eventsRun++;
            e.action.run();
        }
        now = Math.max(now, until);
        observe();
    }

    /**
     * As {@link #runUntil(long)}, but before each event asks {@code stop}; once it says so, the
     * loop ends there, the time where the last event left it.
     *
     * @return false when it stopped before {@code until}
     */
    public boolean runUntil(long until, java.util.function.BooleanSupplier stop) {
        begin(until);
        while (!queue.isEmpty() && queue.peek().time <= until) {
            if (stop.getAsBoolean()) {
                observe();
                return false;
            }
            Event e = queue.poll();
            if (watchAt < Math.max(now, e.time)) {
                seen(Math.max(now, e.time) - 1);
            }
            starting(e);
            eventsRun++;
            e.action.run();
        }
        now = Math.max(now, until);
        observe();
        return true;
    }

    private void starting(Event e) {
        scheduled = e.time;
        lastEnd = now;
        now = Math.max(now, e.time);
    }

    /** @return the time the running event was scheduled at (now, unless the work before it ran past it) */
    public long scheduled() {
        return scheduled;
    }

    /** @return the time at which the work before the running event ended */
    public long lastEnd() {
        return lastEnd;
    }

    private void begin(long end) {
        runs++;
        until = end;
    }

    /** @return how many events have run since boot: an observer can tell whether others ran between two of its own */
    public long eventsRun() {
        return eventsRun;
    }

    /** @return a number that changes with every runUntil (or runDue) call: the run that is running now */
    public long run() {
        return runs;
    }

    /** @return where the current (or last) runUntil ends */
    public long until() {
        return until;
    }

    /** Appends the pending events' names and their times from now, in the order they will run. */
    public void pending(java.util.List<String> names, java.util.List<Long> fromNow) {
        Event[] es = queue.toArray(new Event[0]);
        java.util.Arrays.sort(es);
        for (Event e : es) {
            names.add(e.name);
            fromNow.add(e.time - now);
        }
    }

    /** @return the time of the first pending event that {@code which} does not accept, or Long.MAX_VALUE */
    public long firstEventExcept(java.util.function.Predicate<String> which) {
        long first = Long.MAX_VALUE;
        for (Event e : queue) {
            if (!which.test(e.name)) {
                first = Math.min(first, e.time);
            }
        }
        return first;
    }

    /**
     * Skips ahead over whole cycles of daemons that can change nothing, from inside the event
     * that is running: time jumps {@code jump} later, and each pending event that {@code by}
     * gives a shift for (non-negative) moves that much later; they keep their order (their new
     * times are in the order of the old ones, and equal ones keep their sequence).
     */
    public void skipAhead(long jump, java.util.function.ToLongFunction<String> by) {
        var moved = new java.util.ArrayList<Event>();
        for (Event e : queue) {
            long d = by.applyAsLong(e.name);
            if (d >= 0) {
                moved.add(new Event(e.time + d, e.seq, e.name, e.action));
            }
        }
        queue.removeIf(e -> by.applyAsLong(e.name) >= 0);
        moved.sort(null);
        for (Event e : moved) {
            queue.add(new Event(e.time, seq++, e.name, e.action));
        }
        now += jump;
    }
}
