package org.thplab.mm.api;

import java.util.Arrays;
import java.util.List;

/**
 * What {@link MachineOps#recordStart} sampled: named columns, the first {@value #TIME} (simulated
 * nanoseconds since boot), and one row of values per sample, in time order. A column that a sample
 * has no value for (a process that did not exist then) reads {@link #NONE}. Immutable.
 *
 * <p>Columns: {@value #TIME}; the /proc/vmstat counters by their kernel names
 * ({@code nr_anon_transparent_hugepages}, {@code thp_fault_alloc}, ...); {@code meminfo.<Field>}
 * in kB; {@code proc.<name>.Rss} (RssAnon of /proc/PID/status, MM_ANONPAGES) and
 * {@code proc.<name>.AnonHugePages} (as smaps sums it) in kB, for each process that lived during
 * the recording, in the order they first appeared; {@code report.<measure>}, the measures of
 * {@link MachineOps#report} over all processes.
 *
 * @since 2.7
 */
public final class Recording {
    /** The first column: the sample's simulated time in nanoseconds since boot. */
    public static final String TIME = "time_ns";
    /** The value of a column at a sample that has none. */
    public static final long NONE = Long.MIN_VALUE;

    private final String machine;
    private final long intervalNanos;
    private final List<String> columns;
    private final long[][] rows;
    private final boolean running;
    private final boolean truncated;
    private final LatencyHistogram faultLatency;

    /**
     * @param rows one per sample; a row shorter than the columns has no value for the last ones
     * @param truncated samples were dropped at the end: the recording reached its limit
     * @param faultLatency the latencies of the faults during the recording, or null
     */
    public Recording(String machine, long intervalNanos, List<String> columns, List<long[]> rows, boolean running,
            boolean truncated, LatencyHistogram faultLatency) {
        this.machine = machine;
        this.intervalNanos = intervalNanos;
        this.columns = List.copyOf(columns);
        this.rows = new long[rows.size()][];
        for (int i = 0; i < this.rows.length; i++) {
            this.rows[i] = rows.get(i).clone();
        }
        this.running = running;
        this.truncated = truncated;
        this.faultLatency = faultLatency == null ? null : faultLatency.copy();
    }

    /** @return the name of the machine recorded */
    public String machine() {
        return machine;
    }

    /** @return the simulated time between two samples, in nanoseconds */
    public long intervalNanos() {
        return intervalNanos;
    }

    /** @return the column names, {@value #TIME} first */
    public List<String> columns() {
        return columns;
    }

    /** @return how many samples there are */
    public int samples() {
        return rows.length;
    }

    /** @return the value of column {@code column} at sample {@code sample}, or {@link #NONE} */
    public long value(int sample, int column) {
        long[] r = rows[sample];
        return column < r.length ? r[column] : NONE;
    }

    /** @return sample {@code sample}'s values, one per column ({@link #NONE} where it has none) */
    public long[] row(int sample) {
        long[] r = Arrays.copyOf(rows[sample], columns.size());
        Arrays.fill(r, Math.min(rows[sample].length, r.length), r.length, NONE);
        return r;
    }

    /** @return whether the recording was still running when this copy was taken */
    public boolean running() {
        return running;
    }

    /** @return whether samples were dropped because the recording reached its limit */
    public boolean truncated() {
        return truncated;
    }

    /** @return the latencies of the faults during the recording (a copy), or null */
    public LatencyHistogram faultLatency() {
        return faultLatency == null ? null : faultLatency.copy();
    }
}
