package org.thplab.workload.common;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.thplab.mm.api.LatencyHistogram;
import org.thplab.mm.api.MachineOps;

/**
 * The standard end of every workload's report: Mel Gorman's four measures from the reservation
 * RFC's review ({@link MachineOps#report}) as four lines, and sums of them over processes that
 * have exited (a process's own measures go with it, so a workload whose processes exit keeps
 * them as they were at the exit).
 */
public final class Measures {
    /** The per-process names of {@link MachineOps#report}: they add up over processes. */
    private static final String[] PER_PROCESS = {"thp_never_written_bytes", "reserved_unused_bytes", "translation_cycles",
        "translation_cycles_if_all_thp", "translation_cycles_if_all_4k", "thp_slowdown_ns"};

    private final Map<String, Long> exited = new LinkedHashMap<>();

    /** Adds the process's own measures, read now, before it exits. */
    public void beforeExit(MachineOps m, String proc) {
        Map<String, Long> r = m.report(proc);
        for (String k : PER_PROCESS) {
            exited.merge(k, r.get(k), Long::sum);
        }
    }

    /** @return the measures of the machine and every process, the exited ones as they were at their exit */
    public Map<String, Long> all(MachineOps m) {
        Map<String, Long> r = new LinkedHashMap<>(m.report(null));
        exited.forEach((k, v) -> r.merge(k, v, Long::sum));
        return r;
    }

    /** @return the four measures as the four lines every workload's report ends with */
    public static String lines(Map<String, Long> r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "copies: khugepaged %d collapses, %d KiB copied, %.3f ms; MADV_COLLAPSE %d, %d KiB, %.3f ms; CoW %d x 4K + %d x 2M, %d KiB, %.3f ms%n",
                r.get("khugepaged_collapses"), r.get("khugepaged_copied_bytes") >> 10, r.get("khugepaged_copy_ns") / 1e6,
                r.get("madv_collapse_collapses"), r.get("madv_collapse_copied_bytes") >> 10, r.get("madv_collapse_copy_ns") / 1e6,
                r.get("cow_copies_4k"), r.get("cow_copies_2m"), r.get("cow_copied_bytes") >> 10, r.get("cow_copy_ns") / 1e6));
        b.append(String.format(Locale.ROOT, "mmap lock for write: %.3f ms in all, at most %.3f ms, %d times%n",
                r.get("mmap_lock_write_ns") / 1e6, r.get("mmap_lock_write_max_ns") / 1e6, r.get("mmap_lock_write_acquisitions")));
        b.append(String.format(Locale.ROOT, "RAM lost: THP pages never written %d MiB, reserved and unused %d MiB%n",
                r.get("thp_never_written_bytes") >> 20, r.get("reserved_unused_bytes") >> 20));
        b.append(String.format(Locale.ROOT, "accesses: translation cycles %d (all THP %d, all 4K %d), slowdown against all THP %.3f ms%n",
                r.get("translation_cycles"), r.get("translation_cycles_if_all_thp"), r.get("translation_cycles_if_all_4k"),
                r.get("thp_slowdown_ns") / 1e6));
        return b.toString();
    }

    /** The key of the four measures in every workload's {@code results()}. */
    public static final String KEY = "measures";

    /** @return the measures for {@code results()}: every name of {@link MachineOps#report}, in its order */
    public static Map<String, Object> results(Map<String, Long> r) {
        return new LinkedHashMap<>(r);
    }

    /**
     * @return a latency histogram's figures as {@link LatencyHistogram#summary()} prints them
     *         (microseconds), for {@code results()}; null when nothing was recorded
     */
    public static Map<String, Object> latency(LatencyHistogram lat) {
        if (lat == null) {
            return null;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("faults", lat.count());
        r.put("mean_us", lat.mean() / 1000);
        r.put("p50_us", lat.percentile(50) / 1000.0);
        r.put("p90_us", lat.percentile(90) / 1000.0);
        r.put("p99_us", lat.percentile(99) / 1000.0);
        r.put("p99_9_us", lat.percentile(99.9) / 1000.0);
        r.put("max_us", lat.max() / 1000.0);
        return r;
    }

    /** @return where a run is, from 0 to 1, of parts done out of all (clamped: never past 1) */
    public static double fraction(double done, double all) {
        return all <= 0 ? 1.0 : Math.max(0.0, Math.min(1.0, done / all));
    }
}
