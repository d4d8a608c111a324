package org.thplab.workload.rfcfork;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.OomReport;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.spi.workload.WorkloadRun;
import org.thplab.workload.common.Measures;

/**
 * One run of the RFC's fork test: a parent forks children one after another; each maps a large
 * chunk and touches, in every 2 MiB region of it, either one page or a random number of pages;
 * children stay alive; the run ends when a child cannot complete its chunk: at the first OOM
 * kill, whichever process the killer chose (on the RFC's machine a child was killed). Reports
 * Mel Gorman's metrics: fault latency, memory consumption (as the OOM report found it) and
 * successful promotions.
 *
 * <p>Patterns: {@code one} writes the first page of each region; {@code random} writes k
 * distinct pages at random positions, k uniform in 1..512, from the machine's seed (the RFC does
 * not give its distribution). A step forks the next child when the last one is complete, or
 * writes one region of the current child's chunk.
 */
final class RfcForkRun implements WorkloadRun {
    private static final long REGION = RfcForkWorkload.REGION;

    private final MachineOps m;
    private final long chunk;
    private final boolean random;
    private final long seed;
    private final int maxChildren;
    /** Uniform loads each child makes over its chunk once touched (the benefit side), or 0. */
    private final long accesses;
    private final SplittableRandom rnd;
    private final int regions;
    private final int[] perm = new int[512];
    private int child;
    private int region;
    private int completed;
    private String failure;
    private boolean done;
    /** The number of the OOM kill that ended the run (vmstat oom_kill), or 0. */
    private long firstOom;
    private String name;
    private int named = -1;
    /** The largest fraction told so far: memory may be freed, the fraction never goes back. */
    private double lastFraction;

    /** Prepares the test on a machine just booted. */
    RfcForkRun(MachineOps m, long chunk, boolean random, long seed, int maxChildren, long accesses) {
        this.m = m;
        this.accesses = accesses;
        this.chunk = chunk;
        this.random = random;
        this.seed = seed;
        this.maxChildren = maxChildren;
        this.rnd = new SplittableRandom(seed);
        this.regions = (int) (chunk / REGION);
        this.failure = "stopped after " + maxChildren + " children (max)";
        m.recordFaultLatency();
        m.spawn("rfc");
    }

    @Override
    public boolean step() {
        if (done) {
            return false;
        }
        if (region == 0 && (child == 0 || completed == child)) {
            if (child >= maxChildren) {
                done = true;
                return false;
            }
            child++;
            long kills = m.count(VmEvent.OOM_KILL);
            SyscallResult r = m.fork("rfc", name());
            if (!r.ok() || m.count(VmEvent.OOM_KILL) != kills) {
                failure = "child " + child + " could not be forked: " + outcome(r, kills);
                done = true;
                return false;
            }
            // The RFC's "fails to map its chunk": an mmap the overcommit policy refuses ends the run.
            SyscallResult mapped = m.tryMmap(name(), "chunk", chunk);
            if (!mapped.ok()) {
                failure = "child " + child + " could not map its chunk: " + mapped;
                done = true;
                return false;
            }
        }
        SyscallResult res = SyscallResult.OK;
        long kills = m.count(VmEvent.OOM_KILL);
        long base = region * REGION;
        if (!random) {
            res = m.touch(name(), "chunk", base, 4096, true);
        } else {
            int k = 1 + rnd.nextInt(512);
            for (int i = 0; i < 512; i++) {
                perm[i] = i;
            }
            for (int i = 0; i < k && res.ok() && m.count(VmEvent.OOM_KILL) == kills; i++) {
                int j = i + rnd.nextInt(512 - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
                res = m.touch(name(), "chunk", base + perm[i] * 4096L, 4096, true);
            }
        }
        region++;
        if (region == regions && accesses > 0 && res.ok() && m.count(VmEvent.OOM_KILL) == kills) {
            res = m.access(name(), "chunk", AccessPattern.uniform(), accesses, false);
        }
        if (!res.ok() || m.count(VmEvent.OOM_KILL) != kills) {
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
        if (m.count(VmEvent.OOM_KILL) != kills) {
            firstOom = kills + 1;
            OomReport oom = m.oomReport(firstOom);
            why += (why.isEmpty() ? "" : ", ") + "the OOM killer killed " + (oom == null ? null : oom.victim());
        }
        return why;
    }

    /** The current child's name, built once per child (a step runs per 4 KiB page in pattern one). */
    private String name() {
        if (named != child) {
            name = "child" + child;
            named = child;
        }
        return name;
    }

    @Override
    public void end(String why) {
        if (!done) {
            failure = why + " (in child " + child + ", region " + region + ")";
            done = true;
        }
    }

    @Override
    public void stop() {
        if (!done) {
            failure = "stopped by the user in child " + child + ", region " + region;
            done = true;
        }
    }

    @Override
    public String progress() {
        return String.format(Locale.ROOT, "child %d, region %d of %d, %d completed%s", child, region, regions, completed,
                done ? ", ended" : "");
    }

    @Override
    public String report() {
        Map<String, Long> vm = m.vmstat();
        // Memory as the OOM report found it (before its victim was reaped), else as it is now.
        OomReport oom = firstOom > 0 ? m.oomReport(firstOom) : null;
        Map<String, Long> mi = oom != null ? oom.meminfo() : m.meminfo();
        long usedKb = mi.get("MemTotal") - mi.get("MemFree");
        var lat = m.faultLatency();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "rfc-fork: %d MiB machine, %d MiB chunks, pattern %s, seed %d%n",
                m.bootParameters().bytes() >> 20, chunk >> 20, random ? "random" : "one", seed));
        b.append(String.format(Locale.ROOT, "children completed %d; %s%n", completed, failure));
        b.append(String.format(Locale.ROOT,
                "memory: used %d MiB (anon %d MiB, of it THP %d MiB; page tables %d MiB; reserved %d MiB), %.1f MiB per completed child%n",
                usedKb / 1024, mi.get("AnonPages") / 1024, mi.get("AnonHugePages") / 1024, mi.get("PageTables") / 1024,
                mi.getOrDefault("nr_thp_reserved", vm.get("nr_thp_reserved")) * 4 / 1024, completed == 0 ? 0.0 : usedKb / 1024.0 / completed));
        b.append("fault latency: ").append(lat == null ? "not recorded" : lat.summary()).append('\n');
        b.append(String.format(Locale.ROOT,
                "promotions: thp_fault_alloc %d, khugepaged/pages_collapsed %d (of them res_pages_collapsed %d); thp_res_alloc %d, thp_res_alloc_failed %d, thp_fault_fallback %d%n",
                vm.get("thp_fault_alloc"), m.tunables().number("khugepaged/pages_collapsed"),
                m.tunables().number("khugepaged/res_pages_collapsed"), vm.get("thp_res_alloc"),
                vm.get("thp_res_alloc_failed"), vm.get("thp_fault_fallback")));
        // Mel Gorman's four measures (MachineOps.report) over the children alive now, as every workload ends.
        b.append(Measures.lines(m.report(null)));
        b.append(String.format(Locale.ROOT, "simulated time %.3f s", m.now() / 1e9));
        return b.toString();
    }

    /** The report's figures: the same numbers, in the same units, by name; the measures whatever {@code accesses}. */
    @Override
    public Map<String, Object> results() {
        Map<String, Long> vm = m.vmstat();
        OomReport oom = firstOom > 0 ? m.oomReport(firstOom) : null;
        Map<String, Long> mi = oom != null ? oom.meminfo() : m.meminfo();
        long usedKb = mi.get("MemTotal") - mi.get("MemFree");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("machine_mib", m.bootParameters().bytes() >> 20);
        r.put("chunk_mib", chunk >> 20);
        r.put("pattern", random ? "random" : "one");
        r.put("seed", seed);
        r.put("children_completed", completed);
        r.put("ended", failure);
        r.put("oom_victim", oom == null ? null : oom.victim());
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("used_mib", usedKb / 1024);
        mem.put("anon_mib", mi.get("AnonPages") / 1024);
        mem.put("thp_mib", mi.get("AnonHugePages") / 1024);
        mem.put("page_tables_mib", mi.get("PageTables") / 1024);
        mem.put("reserved_mib", mi.getOrDefault("nr_thp_reserved", vm.get("nr_thp_reserved")) * 4 / 1024);
        mem.put("mib_per_completed_child", completed == 0 ? 0.0 : usedKb / 1024.0 / completed);
        r.put("memory", mem);
        r.put("fault_latency", Measures.latency(m.faultLatency()));
        Map<String, Object> prom = new LinkedHashMap<>();
        prom.put("thp_fault_alloc", vm.get("thp_fault_alloc"));
        prom.put("khugepaged/pages_collapsed", m.tunables().number("khugepaged/pages_collapsed"));
        prom.put("khugepaged/res_pages_collapsed", m.tunables().number("khugepaged/res_pages_collapsed"));
        prom.put("thp_res_alloc", vm.get("thp_res_alloc"));
        prom.put("thp_res_alloc_failed", vm.get("thp_res_alloc_failed"));
        prom.put("thp_fault_fallback", vm.get("thp_fault_fallback"));
        r.put("promotions", prom);
        r.put(Measures.KEY, Measures.results(m.report(null)));
        r.put("simulated_time_s", m.now() / 1e9);
        return r;
    }

    /**
     * An estimate: the run ends at max children or when memory runs out, whichever comes first,
     * so the larger of the children done out of max and the memory used out of RAM and swap.
     */
    @Override
    public double fraction() {
        if (done) {
            return 1.0;
        }
        double children = Measures.fraction(completed + (double) region / regions, maxChildren);
        Map<String, Long> mi = m.meminfo();
        double used = Measures.fraction(mi.get("MemTotal") - mi.get("MemFree") + mi.get("SwapTotal") - mi.get("SwapFree"),
                mi.get("MemTotal") + mi.get("SwapTotal"));
        double f = Math.min(0.99, Math.max(children, used));
        lastFraction = Math.max(lastFraction, f);
        return lastFraction;
    }
}
