package org.thplab.mm.api;

import java.util.Locale;

/**
 * A log-linear histogram of simulated latencies in nanoseconds: exact below 32 ns, then 32
 * buckets per power of two (about 3 % precision), fixed size, no allocation per value. The core
 * records every fault's latency into one ({@link MachineOps#recordFaultLatency()}); a workload
 * may keep its own.
 *
 * @since 2.2
 */
public final class LatencyHistogram {
    private static final int SUB = 32;
    private final long[] counts = new long[64 * SUB];
    private long total;
    private long max;
    private long sum;

    /** Adds one latency of {@code v} nanoseconds. */
    public void record(long v) {
        counts[index(v)]++;
        total++;
        sum += v;
        max = Math.max(max, v);
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) Math.max(0, v);
        }
        int e = 63 - Long.numberOfLeadingZeros(v);
        int shift = e - 5;
        return (e - 4) * SUB + (int) ((v >>> shift) & (SUB - 1));
    }

    /** @return the lowest value of bucket {@code idx} */
    static long lower(int idx) {
        if (idx < SUB) {
            return idx;
        }
        int e = idx / SUB + 4;
        return (long) (SUB + idx % SUB) << (e - 5);
    }

    /** @return a copy, which later records into this one do not change */
    public LatencyHistogram copy() {
        LatencyHistogram c = new LatencyHistogram();
        System.arraycopy(counts, 0, c.counts, 0, counts.length);
        c.total = total;
        c.max = max;
        c.sum = sum;
        return c;
    }

    /**
     * Adds every latency of {@code other} to this histogram.
     *
     * @since 2.7
     */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        max = Math.max(max, other.max);
    }

    /** @return how many latencies were recorded */
    public long count() {
        return total;
    }

    /** @return the largest latency recorded, in nanoseconds (0 when none) */
    public long max() {
        return max;
    }

    /** @return the mean latency in nanoseconds (0 when none) */
    public double mean() {
        return total == 0 ? 0 : (double) sum / total;
    }

    /** @return the value at percentile {@code p} (0..100), as the lower bound of its bucket */
    public long percentile(double p) {
        if (total == 0) {
            return 0;
        }
        long target = (long) Math.ceil(p / 100.0 * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, target)) {
                return Math.min(lower(i), max);
            }
        }
        return max;
    }

    /**
     * @return the buckets that hold a latency, lowest first: each {lowest value, highest value,
     *         count} in nanoseconds (the highest is capped at {@link #max()}), for a CDF
     * @since 2.7
     */
    public java.util.List<long[]> buckets() {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                long hi = i + 1 < counts.length ? lower(i + 1) - 1 : Long.MAX_VALUE;
                out.add(new long[] {lower(i), Math.min(hi, max), counts[i]});
            }
        }
        return out;
    }

    /** @return a one-line summary in microseconds */
    public String summary() {
        return String.format(Locale.ROOT, "%d faults, mean %.2f us, p50 %.2f us, p90 %.2f us, p99 %.2f us, p99.9 %.2f us, max %.2f us",
                total, mean() / 1000, percentile(50) / 1000.0, percentile(90) / 1000.0, percentile(99) / 1000.0,
                percentile(99.9) / 1000.0, max / 1000.0);
    }
}
