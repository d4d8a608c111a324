package org.thplab.mm.core.workload;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.core.machine.Machine;
import org.thplab.mm.core.stat.LatencyHistogram;

/**
 * The fork test of the THP reservations RFC (Anthony Yznaga, November 2018): a parent forks
 * children one after another; each maps a large chunk and touches, in every 2 MiB region of it,
 * either one page or a random number of pages; children stay alive; the run ends when a child
 * cannot complete its chunk. Reports Mel Gorman's metrics: fault latency, memory consumption and
 * successful promotions.
 *
 * <p>Patterns: {@code one} writes the first page of each region; {@code random} writes k
 * distinct pages at random positions, k uniform in 1..512, from the machine's seed (the RFC does
 * not give its distribution).
 */
public final class RfcFork {
    private static final long REGION = 2L << 20;

    private RfcFork() {
    }

    /** Runs the test on a booted, empty machine. */
    public static String run(Machine m, long chunk, String pattern, long seed, int maxChildren) {
        if (chunk <= 0 || chunk % REGION != 0) {
            throw new MmUsageException("run rfc-fork: chunk must be a positive multiple of 2M");
        }
        boolean random = switch (pattern) {
            case "one" -> false;
            case "random" -> true;
            default -> throw new MmUsageException("run rfc-fork: pattern must be one or random, not '" + pattern + "'");
        };
        SplittableRandom rnd = new SplittableRandom(seed);
        LatencyHistogram lat = m.recordLatency();
        m.spawn("rfc");
        m.endOp();
        int regions = (int) (chunk / REGION);
        int[] perm = new int[512];
        int completed = 0;
        String failure = "stopped after " + maxChildren + " children (max)";
        for (int child = 1; child <= maxChildren; child++) {
            String name = "child" + child;
            SyscallResult r = m.fork("rfc", name);
            if (!r.ok()) {
                failure = "child " + child + " could not be forked: " + r;
                break;
            }
            m.mmap(name, "chunk", chunk);
            SyscallResult res = SyscallResult.OK;
            int region = 0;
            for (; region < regions && res.ok(); region++) {
                long base = region * REGION;
                if (!random) {
                    res = m.touch(name, "chunk", base, 4096, true);
                } else {
                    int k = 1 + rnd.nextInt(512);
                    for (int i = 0; i < 512; i++) {
                        perm[i] = i;
                    }
                    for (int i = 0; i < k && res.ok(); i++) {
                        int j = i + rnd.nextInt(512 - i);
                        int t = perm[i];
                        perm[i] = perm[j];
                        perm[j] = t;
                        res = m.touch(name, "chunk", base + perm[i] * 4096L, 4096, true);
                    }
                }
                m.endOp();
            }
            if (!res.ok()) {
                failure = "child " + child + " failed in region " + region + " of " + regions + ": " + res.errno();
                break;
            }
            completed++;
        }
        Map<String, Long> vm = m.vmstat();
        Map<String, Long> mi = m.meminfo();
        long usedKb = mi.get("MemTotal") - mi.get("MemFree");
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "rfc-fork: %d MiB machine, %d MiB chunks, pattern %s, seed %d%n",
                m.frames() * 4 / 1024, chunk >> 20, pattern, seed));
        b.append(String.format(Locale.ROOT, "children completed %d; %s%n", completed, failure));
        b.append(String.format(Locale.ROOT,
                "memory: used %d MiB (anon %d MiB, of it THP %d MiB; page tables %d MiB; reserved %d MiB), %.1f MiB per completed child%n",
                usedKb / 1024, mi.get("AnonPages") / 1024, mi.get("AnonHugePages") / 1024, mi.get("PageTables") / 1024,
                vm.get("nr_thp_reserved") * 4 / 1024, completed == 0 ? 0.0 : usedKb / 1024.0 / completed));
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
