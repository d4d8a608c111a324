package org.example.thp.stream;

import java.util.Locale;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PerfStat;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.spi.workload.WorkloadRun;

/**
 * One process maps a, b and c; the first three steps write them whole (STREAM's initialisation,
 * where the faults happen), then each step is one triad pass: sequential loads of b and of c
 * and stores to a, one access per 4 KiB page (the accesses within a page hit the TLB entry the
 * first one brought in; the model translates pages, not bytes). The report gives each pass's
 * simulated time, the best rate as STREAM computes it (3 x array bytes over the best pass,
 * the first pass left out), the arrays' THP coverage and perf stat's dTLB counts.
 */
final class StreamRun implements WorkloadRun {
    private static final String[] ARRAYS = {"a", "b", "c"};

    private final MachineOps m;
    private final long array;
    private final int ntimes;
    private final long[] passNs;
    private int step;
    private String ended;

    StreamRun(MachineOps m, long array, int ntimes) {
        this.m = m;
        this.array = array;
        this.ntimes = ntimes;
        this.passNs = new long[ntimes];
        m.spawn("stream");
        for (String a : ARRAYS) {
            m.mmap("stream", a, array);
        }
    }

    @Override
    public boolean step() {
        if (ended != null) {
            return false;
        }
        SyscallResult r;
        if (step < ARRAYS.length) {
            r = m.touch("stream", ARRAYS[step], 0, array, true);
        } else {
            long pages = array / StreamWorkload.PAGE;
            long t0 = m.now();
            r = m.access("stream", "b", AccessPattern.seq(), pages, false);
            if (r.ok()) {
                r = m.access("stream", "c", AccessPattern.seq(), pages, false);
            }
            if (r.ok()) {
                r = m.access("stream", "a", AccessPattern.seq(), pages, true);
            }
            passNs[step - ARRAYS.length] = m.now() - t0;
        }
        if (!r.ok()) {
            ended = "step " + (step + 1) + " failed: " + r;
            return false;
        }
        step++;
        if (step == ARRAYS.length + ntimes) {
            ended = "ran " + ntimes + " passes";
        }
        return ended == null;
    }

    @Override
    public void end(String why) {
        if (ended == null) {
            ended = why;
        }
    }

    @Override
    public void stop() {
        if (ended == null) {
            ended = "stopped by the user after " + Math.max(0, step - ARRAYS.length) + " passes";
        }
    }

    @Override
    public String progress() {
        return step < ARRAYS.length ? "initialising " + ARRAYS[step]
                : String.format(Locale.ROOT, "pass %d of %d%s", step - ARRAYS.length, ntimes, ended == null ? "" : ", ended");
    }

    @Override
    public String report() {
        StringBuilder b = new StringBuilder();
        int passes = Math.max(0, Math.min(ntimes, step - ARRAYS.length));
        long best = Long.MAX_VALUE;
        for (int i = 1; i < passes; i++) {
            best = Math.min(best, passNs[i]);
        }
        b.append(String.format(Locale.ROOT, "stream: arrays of %d KiB, %d passes; %s%n", array >> 10, ntimes,
                ended == null ? "running" : ended));
        if (best != Long.MAX_VALUE) {
            b.append(String.format(Locale.ROOT, "Triad: best rate %.1f MB/s (simulated), best pass %.3f ms%n",
                    3.0 * array / best * 1e3, best / 1e6));
        }
        long rss = 0;
        long thp = 0;
        for (String a : ARRAYS) {
            for (SmapsEntry e : m.smaps("stream", a)) {
                rss += e.rssKb();
                thp += e.anonHugeKb();
            }
        }
        PerfStat p = m.perfStat("stream");
        b.append(String.format(Locale.ROOT, "arrays: Rss %d KiB, AnonHugePages %d KiB; dTLB-loads %d, dTLB-load-misses %d%n", rss,
                thp, p.events().get("dTLB-loads"), p.events().get("dTLB-load-misses")));
        b.append(String.format(Locale.ROOT, "task-clock %.3f ms, page-faults %d", p.taskClockNs() / 1e6, p.pageFaults()));
        return b.toString();
    }
}
