package org.thplab.workload.shortlived;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.spi.workload.WorkloadRun;
import org.thplab.workload.common.Measures;
import org.thplab.workload.common.Resident;

/**
 * {@code procs} processes, {@code jobs} alive at once: each maps a heap of a size log-uniform
 * in [min, max] and runs in slices of {@code slice} accesses (Zipf over its heap, 70% loads and
 * 30% stores, the first touch of a page faulting), round robin, until its own task clock passes
 * a lifetime drawn from an exponential distribution of mean {@code lifetime} ms; then it exits
 * and the next one starts in its slot. The jobs share the machine's clock as on one CPU, so a
 * process's wall-clock life is about {@code jobs} times its CPU time: khugepaged, waking every
 * scan_sleep_millisecs, sees a process only if it lives that long.
 *
 * <p>Before each exit the process's THP coverage (AnonHugePages / Rss) and its own measures
 * are kept: the report gives the share of the processes' touched memory THPs ever covered at
 * exit, and the translation cycles of all processes against all-THP and all-4K mappings.
 */
final class ShortLivedRun implements WorkloadRun {
    private final MachineOps m;
    private final int procs;
    private final long min;
    private final long max;
    private final double meanLifeNs;
    private final long slice;
    private final double theta;
    private final long seed;
    private final SplittableRandom rnd;
    private final String[] slot;
    private final long[] lifeNs;
    private int next;
    private int turn;
    private int alive;
    private int exited;
    private long heapBytes;
    private long rssKbAtExit;
    private long thpKbAtExit;
    private long lifeNsSum;
    private final Measures measures = new Measures();
    private String ended;

    ShortLivedRun(MachineOps m, int procs, int jobs, long min, long max, long lifetimeMs, long slice, double theta, long seed) {
        this.m = m;
        this.procs = procs;
        this.min = min;
        this.max = max;
        this.meanLifeNs = lifetimeMs * 1e6;
        this.slice = slice;
        this.theta = theta;
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        this.slot = new String[Math.min(jobs, procs)];
        this.lifeNs = new long[slot.length];
    }

    @Override
    public boolean step() {
        if (ended != null) {
            return false;
        }
        int s = turn;
        turn = (turn + 1) % slot.length;
        if (slot[s] == null) {
            if (next == procs) {
                if (alive == 0) {
                    ended = "all " + procs + " processes ran and exited";
                }
                return ended == null;
            }
            start(s);
        }
        String p = slot[s];
        // 70% loads, 30% stores, in one slice each as the slice's share: two access runs.
        long stores = slice * 3 / 10;
        AccessPattern pattern = theta == 0 ? AccessPattern.uniform() : new AccessPattern(AccessPattern.Kind.ZIPF, 0, theta, 0, 0);
        SyscallResult r = m.access(p, "heap", pattern, slice - stores, false);
        if (r.ok() && stores > 0) {
            r = m.access(p, "heap", pattern, stores, true);
        }
        if (!r.ok()) {
            ended = p + " failed: " + r;
            return false;
        }
        if (m.perfStat(p).taskClockNs() >= lifeNs[s]) {
            exit(s);
        }
        return true;
    }

    private void start(int s) {
        next++;
        String p = "job" + next;
        long pages = min / 4096 + (min == max ? 0 : (long) Math.floor(Math.exp(Math.log(min / 4096.0)
                + rnd.nextDouble() * (Math.log((max + 4096.0) / 4096) - Math.log(min / 4096.0)))) - min / 4096);
        long heap = Math.min(max, pages * 4096);
        m.spawn(p);
        m.mmap(p, "heap", heap);
        heapBytes += heap;
        lifeNs[s] = Math.max(1, (long) (-meanLifeNs * Math.log(1 - rnd.nextDouble())));
        slot[s] = p;
        alive++;
    }

    private void exit(int s) {
        String p = slot[s];
        Resident r = Resident.of(m, p, "heap");
        rssKbAtExit += r.rssKb();
        thpKbAtExit += r.anonHugeKb();
        lifeNsSum += m.perfStat(p).taskClockNs();
        measures.beforeExit(m, p);
        m.exit(p);
        slot[s] = null;
        alive--;
        exited++;
    }

    @Override
    public void end(String why) {
        if (ended == null) {
            ended = why + " (after " + exited + " exits)";
        }
    }

    @Override
    public void stop() {
        if (ended == null) {
            ended = "stopped by the user after " + exited + " exits";
        }
    }

    @Override
    public String progress() {
        return String.format(Locale.ROOT, "%d of %d processes started, %d exited%s", next, procs, exited,
                ended == null ? "" : ", ended");
    }

    @Override
    public String report() {
        Map<String, Long> all = measures.all(m);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "short-lived: %d MiB machine, %d processes, %d at once, heaps %d-%d MiB,"
                + " mean life %.0f ms, slices of %d accesses, zipf %s, seed %d%n", m.bootParameters().bytes() >> 20, procs,
                slot.length, min >> 20, max >> 20, meanLifeNs / 1e6, slice, theta, seed));
        b.append(String.format(Locale.ROOT, "%s; %d exited, mean heap %d MiB, mean life %.1f ms of CPU time%n",
                ended == null ? "running" : ended, exited, next == 0 ? 0 : heapBytes / next >> 20,
                exited == 0 ? 0.0 : lifeNsSum / 1e6 / exited));
        b.append(String.format(Locale.ROOT, "THP coverage at exit: %d of %d MiB resident (%.1f%%)%n", thpKbAtExit >> 10,
                rssKbAtExit >> 10, rssKbAtExit == 0 ? 0.0 : 100.0 * thpKbAtExit / rssKbAtExit));
        b.append(String.format(Locale.ROOT, "THPs: thp_fault_alloc %d, thp_fault_fallback %d, thp_collapse_alloc %d,"
                + " khugepaged/full_scans %d, thp_res_alloc %d; pgfault %d%n", m.count(VmEvent.THP_FAULT_ALLOC),
                m.count(VmEvent.THP_FAULT_FALLBACK), m.count(VmEvent.THP_COLLAPSE_ALLOC), m.tunables().number("khugepaged/full_scans"),
                m.count(VmEvent.THP_RES_ALLOC), m.count(VmEvent.PGFAULT)));
        b.append(Measures.lines(all));
        long cycles = all.get("translation_cycles");
        long thp = all.get("translation_cycles_if_all_thp");
        b.append(String.format(Locale.ROOT, "translation cycles against all THP: %+.1f%%%n", thp == 0 ? 0.0 : 100.0 * (cycles - thp) / thp));
        b.append(String.format(Locale.ROOT, "simulated time %.3f s", m.now() / 1e9));
        return b.toString();
    }

    @Override
    public Map<String, Object> results() {
        Map<String, Long> all = measures.all(m);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("machine_mib", m.bootParameters().bytes() >> 20);
        r.put("procs", procs);
        r.put("jobs", slot.length);
        r.put("heap_min_mib", min >> 20);
        r.put("heap_max_mib", max >> 20);
        r.put("mean_life_ms", meanLifeNs / 1e6);
        r.put("slice", slice);
        r.put("theta", theta);
        r.put("seed", seed);
        r.put("ended", ended == null ? "running" : ended);
        r.put("exited", exited);
        r.put("mean_heap_mib", next == 0 ? 0 : heapBytes / next >> 20);
        r.put("mean_cpu_life_ms", exited == 0 ? 0.0 : lifeNsSum / 1e6 / exited);
        Map<String, Object> cov = new LinkedHashMap<>();
        cov.put("thp_mib", thpKbAtExit >> 10);
        cov.put("rss_mib", rssKbAtExit >> 10);
        cov.put("percent", rssKbAtExit == 0 ? 0.0 : 100.0 * thpKbAtExit / rssKbAtExit);
        r.put("thp_coverage_at_exit", cov);
        Map<String, Object> thps = new LinkedHashMap<>();
        thps.put("thp_fault_alloc", m.count(VmEvent.THP_FAULT_ALLOC));
        thps.put("thp_fault_fallback", m.count(VmEvent.THP_FAULT_FALLBACK));
        thps.put("thp_collapse_alloc", m.count(VmEvent.THP_COLLAPSE_ALLOC));
        thps.put("khugepaged/full_scans", m.tunables().number("khugepaged/full_scans"));
        thps.put("thp_res_alloc", m.count(VmEvent.THP_RES_ALLOC));
        thps.put("pgfault", m.count(VmEvent.PGFAULT));
        r.put("thps", thps);
        r.put(Measures.KEY, Measures.results(all));
        long cycles = all.get("translation_cycles");
        long thp = all.get("translation_cycles_if_all_thp");
        r.put("translation_cycles_against_all_thp_percent", thp == 0 ? 0.0 : 100.0 * (cycles - thp) / thp);
        r.put("simulated_time_s", m.now() / 1e9);
        return r;
    }

    /** Processes exited out of all, each alive one counted by the share of its life it has run. */
    @Override
    public double fraction() {
        if (ended != null) {
            return 1.0;
        }
        double done = exited;
        for (int s = 0; s < slot.length; s++) {
            if (slot[s] != null) {
                done += Math.min(1.0, (double) m.perfStat(slot[s]).taskClockNs() / lifeNs[s]);
            }
        }
        return Measures.fraction(done, procs);
    }
}
