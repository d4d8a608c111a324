package org.thplab.mm.core.mm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.thplab.mm.api.LatencyHistogram;
import org.thplab.mm.api.Recording;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.report.Reports;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmapLock;
import org.thplab.mm.core.vma.Tasks;

/**
 * A recording of a machine (record start): the clock calls it at each instant of its interval ({@link Clock#watch}), and it
 * reads the counters as the /proc files show them into one row of longs. Not an event of the
 * clock, so the daemons run as they would without it; it only reads.
 */
public final class Recorder implements LongConsumer {
    /** Samples kept at most: 150 columns of them are about 1 GiB of heap. */
    static final int MAX_SAMPLES = 1_000_000;

    private final String machine;
    /** The booted machine's parts: a boot while recording (a workload's run) moves the recording to the new ones. */
    private Clock clock;
    private Reports reports;
    private Tasks tasks;
    private MmapLock lock;
    private final long every;
    private final List<String> prefixes;
    private LatencyHistogram latency;
    /** The latencies recorded on machines booted before this one, and their time: added to this one's. */
    private final LatencyHistogram before = new LatencyHistogram();
    private long offset;
    private final Map<String, Integer> columns = new LinkedHashMap<>();
    private final List<long[]> rows = new ArrayList<>();
    private boolean running = true;
    private boolean truncated;
    private long last = -1;
    /** The sample being taken. */
    private long[] row;

    /** A new recording of machine {@code machine}, or {@code going} (made before a boot) going on with this machine's state. */
    public static Recorder onto(Recorder going, String machine, Clock c, Reports r, Tasks t, MmapLock l, LatencyHistogram h,
            long every, List<String> prefixes) {
        if (going == null) {
            return new Recorder(machine, c, r, t, l, h, every, prefixes);
        }
        going.continueOn(c, r, t, l, h);
        return going;
    }

    public Recorder(String machine, Clock clock, Reports reports, Tasks tasks, MmapLock lock, LatencyHistogram latency,
            long every, List<String> prefixes) {
        this.machine = machine;
        this.clock = clock;
        this.reports = reports;
        this.tasks = tasks;
        this.lock = lock;
        this.latency = latency;
        this.every = every;
        this.prefixes = List.copyOf(prefixes);
        columns.put(Recording.TIME, 0);
        accept(clock.now());
        clock.watch(every, this);
    }

    @Override
    public void accept(long t) {
        if (rows.size() >= MAX_SAMPLES) {
            truncated = true;
            return;
        }
        last = offset + t;
        // Every column unset in this sample (a process that is gone, or not there yet) is NONE.
        row = new long[columns.size()];
        java.util.Arrays.fill(row, Recording.NONE);
        row[0] = offset + t;
        reports.vmstat().forEach((name, v) -> {
            if (wanted(name)) {
                set(name, v);
            }
        });
        reports.meminfo().forEach((name, v) -> set("meminfo." + name, v));
        List<AddressSpace> live = new ArrayList<>(tasks.procs.values());
        for (AddressSpace mm : live) {
            set("proc." + mm.name + ".Rss", mm.rssAnon * 4);
            set("proc." + mm.name + ".AnonHugePages", reports.anonHugePagesKb(mm));
        }
        reports.report(live, lock).forEach((name, v) -> set("report." + name, v));
        rows.add(row.length == columns.size() ? row : java.util.Arrays.copyOf(row, columns.size()));
        row = null;
    }

    private void set(String name, long v) {
        Integer i = columns.get(name);
        if (i == null) {
            i = columns.size();
            columns.put(name, i);
        }
        if (i >= row.length) {
            int old = row.length;
            row = java.util.Arrays.copyOf(row, Math.max(i + 1, old * 2));
            java.util.Arrays.fill(row, old, row.length, Recording.NONE);
        }
        row[i] = v;
    }

    private boolean wanted(String counter) {
        if (prefixes.isEmpty()) {
            return true;
        }
        for (String p : prefixes) {
            if (counter.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Ends the recording, with a last sample now when time moved since the one before. */
    public void stop() {
        if (running) {
            clock.observe();
            if (offset + clock.now() > last) {
                accept(clock.now());
            }
            clock.watch(0, null);
            running = false;
        }
    }

    /**
     * The machine is booted again while recording (a workload's run boots it): a last sample of the
     * old machine now, then the recording goes on with the new one, its time after the old one's
     * (the two samples of the boot have the same time).
     */
    public void continueOn(Clock c, Reports r, Tasks t, MmapLock l, LatencyHistogram h) {
        clock.observe();
        if (offset + clock.now() > last) {
            accept(clock.now());
        }
        clock.watch(0, null);
        offset += clock.now();
        before.add(latency);
        clock = c;
        reports = r;
        tasks = t;
        lock = l;
        latency = h;
        accept(c.now());
        c.watch(every, this);
    }

    /** @return the fault latencies of the recording, on every machine it ran on */
    public LatencyHistogram latency() {
        LatencyHistogram all = before.copy();
        all.add(latency);
        return all;
    }

    public boolean running() {
        return running;
    }

    public Recording recording() {
        return new Recording(machine, every, new ArrayList<>(columns.keySet()), rows, running, truncated, latency());
    }
}
