package org.thplab.mm.core.runtime;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.Tracing;
import org.thplab.mm.core.trace.Tracer;

/**
 * The tracepoints of one named machine: whether they are recorded and which groups, settings
 * that outlive a boot, and the machine's trace buffer. Takes the machine's lock.
 */
final class MachineTracing implements Tracing {
    private final NamedMachine m;
    private boolean traceOn;
    /** The tracepoint groups trace on records (Tracer.MM, Tracer.FAULT). */
    private int traceGroups = Tracer.MM;

    MachineTracing(NamedMachine m) {
        this.m = m;
    }

    /** A machine booted anew records as this one did; the caller holds the lock. */
    void applyTo(Tracer t) {
        t.select(traceGroups);
        t.enable(traceOn);
    }

    @Override
    public void trace(boolean on) {
        synchronized (m.lock) {
            traceOn = on;
            if (m.machine != null) {
                m.machine.tracer().enable(on);
            }
        }
    }

    @Override
    public List<String> traceDump() {
        synchronized (m.lock) {
            return m.machine == null ? List.of() : m.machine.tracer().dump();
        }
    }

    /** The event groups by name, in the order traceEvents() lists them. */
    private static final Map<String, Integer> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("mm", Tracer.MM);
        GROUPS.put("fault", Tracer.FAULT);
    }

    @Override
    public void traceEvents(Set<String> groups) {
        int mask = 0;
        for (String g : groups) {
            Integer bit = g.equals("all") ? Integer.valueOf(Tracer.ALL) : GROUPS.get(g);
            if (bit == null) {
                throw new MmUsageException("events: no event group '" + g + "' (" + String.join(", ", GROUPS.keySet()) + ", all)");
            }
            mask |= bit;
        }
        synchronized (m.lock) {
            traceGroups = mask;
            if (m.machine != null) {
                m.machine.tracer().select(mask);
            }
        }
    }

    @Override
    public Set<String> traceEvents() {
        Set<String> out = new LinkedHashSet<>();
        synchronized (m.lock) {
            GROUPS.forEach((name, bit) -> {
                if ((traceGroups & bit) != 0) {
                    out.add(name);
                }
            });
        }
        return out;
    }
}
