package org.thplab.mm.core.stat;

import org.thplab.mm.api.VmEvent;

/** The vm_event_states: one long per {@link VmEvent}. */
public final class VmStat {
    private final long[] events = new long[VmEvent.values().length];
    /** Copies made by collapse and CoW, beside the events (not in /proc/vmstat). */
    public final CopyCosts copies = new CopyCosts();

    public void count(VmEvent e) {
        events[e.ordinal()]++;
    }

    public void count(VmEvent e, long delta) {
        events[e.ordinal()] += delta;
    }

    public long get(VmEvent e) {
        return events[e.ordinal()];
    }

    /** @return a copy of every counter, for {@link #addTimes} */
    public long[] snapshot() {
        return events.clone();
    }

    /**
     * Adds {@code times} over what each counter gained from {@code from} to {@code to}: the
     * counting of cycles that were skipped because they would have repeated that one.
     *
     * @throws ArithmeticException when a counter would overflow (and then nothing is added)
     */
    public void addTimes(long[] from, long[] to, long times) {
        long[] next = events.clone();
        for (int i = 0; i < next.length; i++) {
            next[i] = Math.addExact(next[i], Math.multiplyExact(to[i] - from[i], times));
        }
        System.arraycopy(next, 0, events, 0, next.length);
    }
}
