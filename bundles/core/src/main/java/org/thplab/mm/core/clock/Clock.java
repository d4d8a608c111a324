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
    private final PriorityQueue<Event> queue = new PriorityQueue<>();

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

    /** Charges {@code nanos} of simulated work. */
    public void charge(long nanos) {
        now += nanos;
    }

    /** Schedules {@code action} at now + delay, unless an event of that name is already pending. */
    public void scheduleOnce(String name, long delay, Runnable action) {
        for (Event e : queue) {
            if (e.name.equals(name)) {
                return;
            }
        }
        queue.add(new Event(now + delay, seq++, name, action));
    }

    /** Schedules {@code action} at now + delay. */
    public void schedule(String name, long delay, Runnable action) {
        queue.add(new Event(now + delay, seq++, name, action));
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
        long instant = -1;
        int atInstant = 0;
        while (!queue.isEmpty() && queue.peek().time <= until) {
            Event e = queue.poll();
            now = Math.max(now, e.time);
            if (now != instant) {
                instant = now;
                atInstant = 0;
            } else if (++atInstant >= MAX_EVENTS_AT_ONE_INSTANT) {
                // An event that reschedules itself without its work taking time: a loop that
                // makes no progress. The event is dropped; the operation that ran it fails.
                throw new IllegalStateException("simulated time stopped at " + now + " ns: event '" + e.name
                        + "' ran " + MAX_EVENTS_AT_ONE_INSTANT + " times without advancing it; dropped");
            }
            e.action.run();
        }
        now = Math.max(now, until);
    }

    /**
     * As {@link #runUntil(long)}, but before each event asks {@code stop}; once it says so, the
     * loop ends there, the time where the last event left it.
     *
     * @return false when it stopped before {@code until}
     */
    public boolean runUntil(long until, java.util.function.BooleanSupplier stop) {
        while (!queue.isEmpty() && queue.peek().time <= until) {
            if (stop.getAsBoolean()) {
                return false;
            }
            Event e = queue.poll();
            now = Math.max(now, e.time);
            e.action.run();
        }
        now = Math.max(now, until);
        return true;
    }
}
