package org.thplab.mm.shell;

import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.Status;
import org.thplab.mm.api.WorkloadProgress;

/**
 * The progress line of a foreground {@code run} in the interactive console on a terminal: JLine's
 * status line (the terminal's last line, below a scroll region) shows the workload's name and
 * {@code progress()}, the steps done and their rate, and, when the workload can say how far it
 * is, a bar, the percentage and the time left at the rate so far. It is cleared when the run
 * ends, before the report is printed. A foreground {@code sweep} shows its cells the same way
 * ({@link SweepCommand}). A terminal without a scroll region (a dumb one) shows
 * nothing. Only {@link Console} makes one, and {@code ./thplab sweep} ({@link SweepCommand#launch}),
 * each only on a terminal: scripts, piped input and Gogo sessions never see it.
 */
final class ProgressLine implements WorkloadProgress {
    private static final int BAR = 20;

    private final Terminal terminal;
    private final LongSupplier nanoTime;
    private Status status;
    /** What runs, {@code run <workload>} or {@code sweep <spec>}, and what it counts ({@code steps}, {@code cells}). */
    private String label;
    private String unit = "steps";
    private long started;

    ProgressLine(Terminal terminal) {
        this(terminal, System::nanoTime);
    }

    ProgressLine(Terminal terminal, LongSupplier nanoTime) {
        this.terminal = terminal;
        this.nanoTime = nanoTime;
    }

    /** A foreground run of the workload starts. */
    void begin(String name) {
        begin("run " + name, "steps");
    }

    /** Something that counts {@code unit} starts: a sweep's line is {@code sweep <spec>: ... | 3 cells, 0.5 cells/s | ...}. */
    void begin(String label, String unit) {
        this.label = label;
        this.unit = unit;
        started = nanoTime.getAsLong();
    }

    /**
     * Whether the terminal can hold a status line: what JLine's {@link Status} asks of it. A
     * Status made on a terminal that cannot fails when the terminal is closed (JLine 3.26), so
     * none is made there.
     */
    static boolean supported(Terminal t) {
        Size size = t.getSize();
        return !Terminal.TYPE_DUMB.equals(t.getType()) && !Terminal.TYPE_DUMB_COLOR.equals(t.getType())
                && t.getStringCapability(Capability.change_scroll_region) != null
                && t.getStringCapability(Capability.save_cursor) != null && t.getStringCapability(Capability.restore_cursor) != null
                && t.getStringCapability(Capability.cursor_address) != null
                && size.getRows() > 1 && size.getRows() < 1000 && size.getColumns() > 0 && size.getColumns() < 1000;
    }

    @Override
    public void update(String where, long steps, double fraction) {
        if (status == null) {
            if (!supported(terminal)) {
                return;
            }
            status = Status.getStatus(terminal);
        }
        int width = Math.max(10, terminal.getWidth() - 1);
        status.update(List.of(new AttributedString(text(label, unit, where, steps, fraction, nanoTime.getAsLong() - started, width))));
    }

    /** The run has ended: the line goes, the scroll region is the whole screen again. */
    void end() {
        if (status != null) {
            status.update(List.of());
            terminal.flush();
            status = null;
        }
        label = null;
    }

    /**
     * The line: {@code run <workload>: <where> | <steps> steps, <rate> steps/s | [#####.....] 42% ETA 0:13},
     * the last part only when the fraction is known, cut to {@code width} characters.
     */
    static String text(String workload, String where, long steps, double fraction, long elapsedNs, int width) {
        return text("run " + workload, "steps", where, steps, fraction, elapsedNs, width);
    }

    /** As {@link #text(String, String, long, double, long, int)}, for what {@code label} names, counting {@code unit}. */
    static String text(String label, String unit, String where, long steps, double fraction, long elapsedNs, int width) {
        double seconds = elapsedNs / 1e9;
        StringBuilder b = new StringBuilder();
        b.append(label).append(": ").append(where);
        double rate = seconds > 0 ? steps / seconds : 0.0;
        b.append(String.format(Locale.ROOT, rate < 10 && unit.equals("cells") ? " | %d %s, %.1f %s/s" : " | %d %s, %.0f %s/s",
                steps, unit, rate, unit));
        if (fraction >= 0 && fraction <= 1) {
            int full = (int) Math.round(fraction * BAR);
            b.append(" | [").append("#".repeat(full)).append(".".repeat(BAR - full)).append(']');
            b.append(String.format(Locale.ROOT, " %.0f%%", 100 * fraction));
            if (fraction > 0) {
                b.append(" ETA ").append(clock(seconds * (1 - fraction) / fraction));
            }
        }
        return b.length() <= width ? b.toString() : b.substring(0, width - 1) + "…";
    }

    /** Seconds as m:ss, or h:mm:ss from an hour. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
