package org.thplab.mm.core.stat;

import org.thplab.mm.api.VmEvent;

/** The vm_event_states: one long per {@link VmEvent}. */
public final class VmStat {
    private final long[] events = new long[VmEvent.values().length];

    public void count(VmEvent e) {
        events[e.ordinal()]++;
    }

    public void count(VmEvent e, long delta) {
        events[e.ordinal()] += delta;
    }

    public long get(VmEvent e) {
        return events[e.ordinal()];
    }
}
