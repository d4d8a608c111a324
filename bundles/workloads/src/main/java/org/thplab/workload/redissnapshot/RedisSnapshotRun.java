package org.thplab.workload.redissnapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.LatencyHistogram;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.spi.workload.WorkloadRun;
import org.thplab.workload.common.Measures;

/**
 * Redis under a write load, snapshotting by fork as BGSAVE does (rdbSaveBackground(): fork, the
 * child writes the whole dataset out and exits, the parent keeps serving): one process writes
 * {@code heap} bytes whole, then runs steps of {@code batch} stores to pages drawn from a Zipf
 * distribution over the heap, each write with {@code op} ns of other work. {@code interval} simulated ms after the start (and after each
 * snapshot ends) it forks a child, which reads the heap {@code scan} bytes per step of the
 * parent's writes, front to back, and exits at its end. Meanwhile each first store of the parent
 * to a page the child shares breaks copy-on-write: 4 KiB or 2 MiB copied, as the CoW policy has it.
 *
 * <p>Per snapshot the report gives its length, the bytes CoW copied, the parent's fault latency
 * (p50, p99, max: the faults are the CoW breaks) and its write throughput against the one before
 * the first fork; and the peak memory used.
 */
final class RedisSnapshotRun implements WorkloadRun {
    private final MachineOps m;
    private final long heap;
    private final int snapshots;
    private final long intervalNs;
    private final long batch;
    private final long opNs;
    private final AccessPattern writes;
    private final long scan;
    private final long seed;
    private final boolean hugepage;
    private final StringBuilder lines = new StringBuilder();
    /** The snapshots' figures, as {@link #lines} prints them. */
    private final List<Map<String, Object>> rows = new ArrayList<>();
    /** Where the dataset's load is, then -1. */
    private long loaded;
    private int snapshot;
    /** The child's read position while a snapshot runs, else -1. */
    private long reading = -1;
    private long phaseStartNs;
    private long phaseWrites;
    private long baselineNs;
    private long baselineWrites;
    private long cowBytes0;
    private long cow4k0;
    private long cow2m0;
    private long peakUsedKb;
    private String ended;

    RedisSnapshotRun(MachineOps m, long heap, int snapshots, long intervalMs, long batch, long opNs, double theta, long scan,
            boolean hugepage, long seed) {
        this.m = m;
        this.heap = heap;
        this.snapshots = snapshots;
        this.intervalNs = intervalMs * 1_000_000L;
        this.batch = batch;
        this.opNs = opNs;
        this.writes = new AccessPattern(AccessPattern.Kind.ZIPF, 0, theta, 0, 0);
        this.scan = scan;
        this.seed = seed;
        m.spawn("redis");
        m.mmap("redis", "heap", heap);
        this.hugepage = hugepage;
        if (hugepage) {
            SyscallResult r = m.madvise("redis", "heap", 0, heap, Advice.HUGEPAGE);
            if (!r.ok()) {
                ended = "MADV_HUGEPAGE of the heap failed: " + r;
            }
        }
    }

    @Override
    public boolean step() {
        if (ended != null) {
            return false;
        }
        if (loaded >= 0) {
            long len = Math.min(64L << 20, heap - loaded);
            if (!ok(m.touch("redis", "heap", loaded, len, true), "loading the dataset")) {
                return false;
            }
            loaded += len;
            if (loaded == heap) {
                loaded = -1;
                phaseStartNs = m.now();
            }
            return true;
        }
        if (reading < 0 && m.now() - phaseStartNs >= intervalNs) {
            fork();
            return ended == null;
        }
        if (!ok(m.access("redis", "heap", writes, batch, true), "the parent's writes")) {
            return false;
        }
        if (opNs > 0) {
            m.tick(batch * opNs); // the rest of each command's work: the clock runs, khugepaged and reclaim with it
        }
        phaseWrites += batch;
        if (reading >= 0) {
            long len = Math.min(scan, heap - reading);
            if (!ok(m.touch("bgsave", "heap", reading, len, false), "the child's read")) {
                return false;
            }
            reading += len;
            usage();
            if (reading == heap) {
                finish();
            }
        }
        return ended == null;
    }

    private boolean ok(SyscallResult r, String what) {
        if (!r.ok()) {
            ended = what + " failed: " + r;
        }
        return r.ok();
    }

    private void fork() {
        if (snapshot == 0) {
            baselineNs = m.now() - phaseStartNs;
            baselineWrites = phaseWrites;
        }
        snapshot++;
        Map<String, Long> r = m.report("redis");
        cowBytes0 = r.get("cow_copied_bytes");
        cow4k0 = r.get("cow_copies_4k");
        cow2m0 = r.get("cow_copies_2m");
        if (!ok(m.fork("redis", "bgsave"), "fork of snapshot " + snapshot)) {
            return;
        }
        m.recordFaultLatency();
        reading = 0;
        phaseStartNs = m.now();
        phaseWrites = 0;
        usage();
    }

    private void finish() {
        long ns = m.now() - phaseStartNs;
        LatencyHistogram lat = m.faultLatency();
        Map<String, Long> r = m.report("redis");
        m.exit("bgsave");
        reading = -1;
        double base = baselineNs == 0 ? 0 : baselineWrites * 1e9 / baselineNs;
        double during = ns == 0 ? 0 : phaseWrites * 1e9 / ns;
        long cowKib = (r.get("cow_copied_bytes") - cowBytes0) >> 10;
        long cow4k = r.get("cow_copies_4k") - cow4k0;
        long cow2m = r.get("cow_copies_2m") - cow2m0;
        double lost = base == 0 ? 0.0 : 100.0 * (1 - during / base);
        lines.append(String.format(Locale.ROOT,
                "  snapshot %d: %.1f ms, CoW %d KiB (%d x 4K + %d x 2M), fault latency p50 %.1f us p99 %.1f us max %.1f us"
                + " (%d faults), %.2f M writes/s against %.2f M before (%.1f%% lost)%n",
                snapshot, ns / 1e6, cowKib, cow4k, cow2m, lat.percentile(50) / 1e3, lat.percentile(99) / 1e3, lat.max() / 1e3, lat.count(),
                during / 1e6, base / 1e6, lost));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("snapshot", snapshot);
        row.put("length_ms", ns / 1e6);
        row.put("cow_kib", cowKib);
        row.put("cow_copies_4k", cow4k);
        row.put("cow_copies_2m", cow2m);
        row.put("fault_latency_p50_us", lat.percentile(50) / 1e3);
        row.put("fault_latency_p99_us", lat.percentile(99) / 1e3);
        row.put("fault_latency_max_us", lat.max() / 1e3);
        row.put("faults", lat.count());
        row.put("writes_per_s_m", during / 1e6);
        row.put("writes_per_s_m_before", base / 1e6);
        row.put("writes_lost_percent", lost);
        rows.add(row);
        phaseStartNs = m.now();
        phaseWrites = 0;
        if (snapshot == snapshots) {
            ended = "ran " + snapshots + " snapshots";
        }
    }

    private void usage() {
        Map<String, Long> mi = m.meminfo();
        peakUsedKb = Math.max(peakUsedKb, mi.get("MemTotal") - mi.get("MemFree"));
    }

    @Override
    public void end(String why) {
        if (ended == null) {
            ended = why + " (in snapshot " + snapshot + ")";
        }
    }

    @Override
    public void stop() {
        if (ended == null) {
            ended = "stopped by the user in snapshot " + snapshot;
        }
    }

    @Override
    public String progress() {
        return loaded >= 0 ? String.format(Locale.ROOT, "loading, %d of %d MiB", loaded >> 20, heap >> 20)
                : String.format(Locale.ROOT, "snapshot %d of %d, %s%s", snapshot, snapshots,
                        reading < 0 ? "writing" : "child read " + (reading >> 20) + " MiB", ended == null ? "" : ", ended");
    }

    @Override
    public String report() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "redis-snapshot: %d MiB machine, %d MiB heap, %d snapshots %d ms apart,"
                + " batches of %d writes of %d ns, zipf %s, the child reads %d KiB a step,%s seed %d%n", m.bootParameters().bytes() >> 20,
                heap >> 20, snapshots, intervalNs / 1_000_000, batch, opNs, writes.theta(), scan >> 10,
                hugepage ? " MADV_HUGEPAGE," : "", seed));
        b.append(String.format(Locale.ROOT, "%s; peak memory used %d MiB%n", ended == null ? "running" : ended, peakUsedKb >> 10));
        b.append(lines);
        b.append(Measures.lines(m.report(null)));
        b.append(String.format(Locale.ROOT, "simulated time %.3f s", m.now() / 1e9));
        return b.toString();
    }

    @Override
    public Map<String, Object> results() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("machine_mib", m.bootParameters().bytes() >> 20);
        r.put("heap_mib", heap >> 20);
        r.put("snapshots", snapshots);
        r.put("interval_ms", intervalNs / 1_000_000);
        r.put("batch", batch);
        r.put("op_ns", opNs);
        r.put("theta", writes.theta());
        r.put("scan_kib", scan >> 10);
        r.put("seed", seed);
        r.put("ended", ended == null ? "running" : ended);
        r.put("peak_used_mib", peakUsedKb >> 10);
        r.put("per_snapshot", rows);
        r.put(Measures.KEY, Measures.results(m.report(null)));
        r.put("simulated_time_s", m.now() / 1e9);
        return r;
    }

    /** The load as one part, each snapshot as two: the writes before its fork, the child's read. */
    @Override
    public double fraction() {
        if (ended != null) {
            return 1.0;
        }
        if (loaded >= 0) {
            return Measures.fraction(loaded, (double) heap * (1 + 2 * snapshots));
        }
        double in = reading >= 0 ? 1 + (double) reading / heap : Math.min(1.0, (m.now() - phaseStartNs) / (double) Math.max(1, intervalNs));
        int before = reading >= 0 ? snapshot - 1 : snapshot;
        return Measures.fraction(1 + 2 * before + in, 1 + 2 * snapshots);
    }
}
