package org.thplab.mm.core.workload;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.core.mm.Machine;
import org.thplab.mm.core.stat.LatencyHistogram;

/**
 * The fork test of the THP reservations RFC (Anthony Yznaga, November 2018): a parent forks
 * children one after another; each maps a large chunk and touches, in every 2 MiB region of it,
 * either one page or a random number of pages; children stay alive; the run ends when a child
 * cannot complete its chunk: at the first OOM kill, whichever process the killer chose (on the
 * RFC's machine a child was killed). Reports Mel Gorman's metrics: fault latency, memory
 * consumption (as the OOM report found it) and successful promotions.
 *
 * <p>Patterns: {@code one} writes the first page of each region; {@code random} writes k
 * distinct pages at random positions, k uniform in 1..512, from the machine's seed (the RFC does
 * not give its distribution).
 */
public final class RfcFork {
    private static final long REGION = 2L << 20;

    private final Machine m;
    private final long chunk;
    private final String pattern;
    private final long seed;
    private final int maxChildren;
    private final boolean random;
    private final SplittableRandom rnd;
    private final LatencyHistogram lat;
    private final int regions;
    private final int[] perm = new int[512];
    private int child;
    private int region;
    private int completed;
    private String failure;
    private boolean done;
    /** The number of the OOM kill that ended the run (vmstat oom_kill), or 0. */
    private long firstOom;

    /** Prepares the test on a booted, empty machine. */
    public RfcFork(Machine m, long chunk, String pattern, long seed, int maxChildren) {
        if (chunk <= 0 || chunk % REGION != 0) {
            throw new MmUsageException("run rfc-fork: chunk must be a positive multiple of 2M");
        }
        this.random = switch (pattern) {
            case "one" -> false;
            case "random" -> true;
            default -> throw new MmUsageException("run rfc-fork: pattern must be one or random, not '" + pattern + "'");
        };
        this.m = m;
        this.chunk = chunk;
        this.pattern = pattern;
        this.seed = seed;
        this.maxChildren = maxChildren;
        this.rnd = new SplittableRandom(seed);
        this.lat = m.recordLatency();
        this.regions = (int) (chunk / REGION);
        this.failure = "stopped after " + maxChildren + " children (max)";
        m.spawn("rfc");
        m.endOp();
    }

    /** Runs the whole test; returns the report. */
    public static String run(Machine m, long chunk, String pattern, long seed, int maxChildren) {
        RfcFork w = new RfcFork(m, chunk, pattern, seed, maxChildren);
        while (w.step()) {
            // one 2 MiB region per step
        }
        return w.report();
    }

    /**
     * Does one step: forks the next child, or writes one region of the current child's chunk.
     *
     * @return false when the test has ended
     */
    public boolean step() {
        if (done) {
            return false;
        }
        if (region == 0 && (child == 0 || completedCurrent())) {
            if (child >= maxChildren) {
                done = true;
                return false;
            }
            child++;
            long kills = m.oomKills();
            SyscallResult r = m.fork("rfc", name());
            if (!r.ok() || m.oomKills() != kills) {
                failure = "child " + child + " could not be forked: " + outcome(r, kills);
                done = true;
                return false;
            }
            m.mmap(name(), "chunk", chunk);
        }
        SyscallResult res = SyscallResult.OK;
        long kills = m.oomKills();
        long base = region * REGION;
        if (!random) {
            res = m.touch(name(), "chunk", base, 4096, true);
        } else {
            int k = 1 + rnd.nextInt(512);
            for (int i = 0; i < 512; i++) {
                perm[i] = i;
            }
            for (int i = 0; i < k && res.ok() && m.oomKills() == kills; i++) {
                int j = i + rnd.nextInt(512 - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
                res = m.touch(name(), "chunk", base + perm[i] * 4096L, 4096, true);
            }
        }
        m.endOp();
        region++;
        if (!res.ok() || m.oomKills() != kills) {
            failure = "child " + child + " failed in region " + region + " of " + regions + ": " + outcome(res, kills);
            done = true;
            return false;
        }
        if (region == regions) {
            completed++;
            region = 0;
        }
        return true;
    }

    /** What ended the run: the call's error and the first OOM kill since {@code kills}, if any. */
    private String outcome(SyscallResult r, long kills) {
        String why = r.ok() ? "" : r.errno().toString();
        if (m.oomKills() != kills) {
            firstOom = kills + 1;
            why += (why.isEmpty() ? "" : ", ") + "the OOM killer killed " + m.oomVictim(firstOom);
        }
        return why;
    }

    private boolean completedCurrent() {
        return completed == child;
    }

    private String name;
    private int named = -1;

    /** The current child's name, built once per child (a step runs per 4 KiB page in pattern one). */
    private String name() {
        if (named != child) {
            name = "child" + child;
            named = child;
        }
        return name;
    }

    /** Ends the test for a reason of its own, e.g. its processes were taken away in between. */
    public void end(String why) {
        if (!done) {
            failure = why + " (in child " + child + ", region " + region + ")";
            done = true;
        }
    }

    /** Stops the test early (mm:stop). */
    public void stop() {
        if (!done) {
            failure = "stopped by the user in child " + child + ", region " + region;
            done = true;
        }
    }

    /** @return where the test is, for mm:jobs */
    public String progress() {
        return String.format(Locale.ROOT, "child %d, region %d of %d, %d completed%s", child, region, regions, completed,
                done ? ", ended" : "");
    }

    /** @return the report: children completed, memory, fault latency, promotions */
    public String report() {
        Map<String, Long> vm = m.vmstat();
        // Memory as the OOM report found it (before its victim was reaped), else as it is now.
        Map<String, Long> mi = firstOom > 0 && m.meminfoAtOom(firstOom) != null ? m.meminfoAtOom(firstOom) : m.meminfo();
        long usedKb = mi.get("MemTotal") - mi.get("MemFree");
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "rfc-fork: %d MiB machine, %d MiB chunks, pattern %s, seed %d%n",
                m.frames() * 4 / 1024, chunk >> 20, pattern, seed));
        b.append(String.format(Locale.ROOT, "children completed %d; %s%n", completed, failure));
        b.append(String.format(Locale.ROOT,
                "memory: used %d MiB (anon %d MiB, of it THP %d MiB; page tables %d MiB; reserved %d MiB), %.1f MiB per completed child%n",
                usedKb / 1024, mi.get("AnonPages") / 1024, mi.get("AnonHugePages") / 1024, mi.get("PageTables") / 1024,
                mi.getOrDefault("nr_thp_reserved", vm.get("nr_thp_reserved")) * 4 / 1024, completed == 0 ? 0.0 : usedKb / 1024.0 / completed));
        b.append("fault latency: ").append(lat.summary()).append('\n');
        b.append(String.format(Locale.ROOT,
                "promotions: thp_fault_alloc %d, khugepaged/pages_collapsed %d (of them res_pages_collapsed %d); thp_res_alloc %d, thp_res_alloc_failed %d, thp_fault_fallback %d%n",
                vm.get("thp_fault_alloc"), m.tunables().number("khugepaged/pages_collapsed"),
                m.tunables().number("khugepaged/res_pages_collapsed"), vm.get("thp_res_alloc"),
                vm.get("thp_res_alloc_failed"), vm.get("thp_fault_fallback")));
        b.append(String.format(Locale.ROOT, "simulated time %.3f s", m.now() / 1e9));
        return b.toString();
    }
}
