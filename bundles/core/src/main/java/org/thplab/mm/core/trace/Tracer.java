package org.thplab.mm.core.trace;

import java.util.ArrayList;
import java.util.List;
import org.thplab.mm.core.clock.Clock;

/**
 * Tracepoints in the format of the kernel's trace buffer: {@code <seconds>.<micros>: name: fields},
 * with the kernel's tracepoint names and field names, stamped with simulated time.
 *
 * <p>Events come in groups that are enabled apart, as the kernel's events/SUBSYSTEM/enable:
 * {@link #MM} (huge_memory, vmscan, compaction, migration, oom and thplab's own) and
 * {@link #FAULT} (exceptions:page_fault_user and the THP fault events), which fires once per
 * fault and so is off unless asked for. A site that formats its fields first asks
 * {@link #on(int)}, so a disabled tracepoint costs one branch: no formatting, no allocation.
 */
public final class Tracer {
    /** The memory-management events. */
    public static final int MM = 1;
    /** The page-fault events. */
    public static final int FAULT = 2;
    public static final int ALL = MM | FAULT;
    private static final int MAX = 100_000;
    private final Clock clock;
    /** The groups recorded now, and the groups "on" records. */
    private int groups;
    private int selected = MM;
    private boolean on;
    private final List<String> lines = new ArrayList<>();
    private long dropped;

    public Tracer(Clock clock) {
        this.clock = clock;
    }

    /** Starts ({@code on}) or stops recording the selected groups. */
    public void enable(boolean on) {
        this.on = on;
        groups = on ? selected : 0;
    }

    /** Selects the groups that recording covers (takes effect at once when recording). */
    public void select(int mask) {
        selected = mask & ALL;
        if (on) {
            groups = selected;
        }
    }

    /** @return true when the memory-management events are recorded */
    public boolean on() {
        return (groups & MM) != 0;
    }

    /** @return true when events of {@code group} are recorded */
    public boolean on(int group) {
        return (groups & group) != 0;
    }

    /** Records one memory-management event; {@code fields} is the kernel's TP_printk() text. */
    public void emit(String name, String fields) {
        emit(MM, name, fields);
    }

    /** Records one event of {@code group} when the group is enabled. */
    public void emit(int group, String name, String fields) {
        if ((groups & group) == 0) {
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
