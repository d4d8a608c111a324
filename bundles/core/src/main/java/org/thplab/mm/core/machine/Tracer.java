package org.thplab.mm.core.machine;

import java.util.ArrayList;
import java.util.List;
import org.thplab.mm.core.clock.Clock;

/**
 * Tracepoints in the format of the kernel's trace buffer: {@code <seconds>.<micros>: name: fields},
 * with the kernel's tracepoint names and field names, stamped with simulated time.
 */
public final class Tracer {
    private static final int MAX = 100_000;
    private final Clock clock;
    private boolean on;
    private final List<String> lines = new ArrayList<>();
    private long dropped;

    Tracer(Clock clock) {
        this.clock = clock;
    }

    public void enable(boolean on) {
        this.on = on;
    }

    public boolean on() {
        return on;
    }

    /** Records one event; {@code fields} is the kernel's TP_printk() text. */
    public void emit(String name, String fields) {
        if (!on) {
            return;
        }
        if (lines.size() >= MAX) {
            dropped++;
            return;
        }
        long ns = clock.now();
        lines.add(String.format("%d.%06d: %s: %s", ns / 1_000_000_000L, (ns / 1000) % 1_000_000, name, fields));
    }

    /** @return the recorded lines, and clears them */
    public List<String> dump() {
        List<String> out = new ArrayList<>(lines);
        if (dropped > 0) {
            out.add("(" + dropped + " events dropped: buffer full)");
        }
        lines.clear();
        dropped = 0;
        return out;
    }
}
