package org.thplab.workload.hotregions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.spi.workload.WorkloadRun;
import org.thplab.workload.common.Measures;
import org.thplab.workload.common.Resident;

/**
 * One process maps its heap as {@code heap / hot} regions of {@code hot} bytes each (r0, r1,
 * ...: a region is what {@code access} draws from) and writes it whole. Then, phase after
 * phase, one region drawn at random is hot: each step makes {@code share}% of {@code batch}
 * uniform loads on it and the rest on the other regions, a region per step in turn, until the
 * phase's {@code phase} simulated ms have passed. Per phase the report gives how long the hot
 * region took to be covered by THPs (AnonHugePages at least 90% of it, checked after each
 * step), its coverage at the phase's end and the heap's; at the end the four measures, whose
 * translation cycles say what the promotion bought.
 */
final class HotRegionsRun implements WorkloadRun {
    private static final long LOAD = 64L << 20;

    private final MachineOps m;
    private final long heap;
    private final long hot;
    private final int regions;
    private final int phases;
    private final long phaseNs;
    private final long batch;
    private final int share;
    private final long seed;
    private final SplittableRandom rnd;
    private final String[] names;
    private final StringBuilder lines = new StringBuilder();
    /** The phases' figures, as {@link #lines} prints them. */
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private long loaded;
    private int phase;
    private int hotRegion = -1;
    private int cold;
    private long phaseStart;
    private long coveredAfter = -1;
    private String ended;

    HotRegionsRun(MachineOps m, long heap, long hot, int phases, long phaseMs, long batch, int share, long seed) {
        this.m = m;
        this.heap = heap;
        this.hot = hot;
        this.regions = (int) (heap / hot);
        this.phases = phases;
        this.phaseNs = phaseMs * 1_000_000L;
        this.batch = batch;
        this.share = share;
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        this.names = new String[regions];
        m.spawn("app");
        for (int i = 0; i < regions; i++) {
            names[i] = "r" + i;
            m.mmap("app", names[i], hot);
        }
    }

    @Override
    public boolean step() {
        if (ended != null) {
            return false;
        }
        if (loaded < heap) {
            int r = (int) (loaded / hot);
            long off = loaded % hot;
            long len = Math.min(LOAD, hot - off);
            if (!ok(m.touch("app", names[r], off, len, true), "loading")) {
                return false;
            }
            loaded += len;
            return true;
        }
        if (hotRegion < 0) {
            hotRegion = rnd.nextInt(regions);
            phaseStart = m.now();
            coveredAfter = -1;
        }
        long hotLoads = batch * share / 100;
        if (hotLoads > 0 && !ok(m.access("app", names[hotRegion], AccessPattern.uniform(), hotLoads, false), "hot loads")) {
            return false;
        }
        if (batch > hotLoads && regions > 1) {
            cold = (cold + 1) % regions;
            if (cold == hotRegion) {
                cold = (cold + 1) % regions;
            }
            if (!ok(m.access("app", names[cold], AccessPattern.uniform(), batch - hotLoads, false), "other loads")) {
                return false;
            }
        }
        if (coveredAfter < 0 && huge(hotRegion) * 10 >= hot / 1024 * 9) {
            coveredAfter = m.now() - phaseStart;
        }
        if (m.now() - phaseStart >= phaseNs) {
            long heapHuge = 0;
            for (int i = 0; i < regions; i++) {
                heapHuge += huge(i);
            }
            long hotPercent = huge(hotRegion) * 100 / (hot / 1024);
            long heapPercent = heapHuge * 100 / (heap / 1024);
            lines.append(String.format(Locale.ROOT, "  phase %d: hot r%d, %s, at the end %d%% of it and %d%% of the heap in THPs%n",
                    phase + 1, hotRegion, coveredAfter < 0 ? "never covered" : String.format(Locale.ROOT, "covered after %.0f ms",
                            coveredAfter / 1e6), hotPercent, heapPercent));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("phase", phase + 1);
            row.put("hot_region", names[hotRegion]);
            row.put("covered_after_ms", coveredAfter < 0 ? null : coveredAfter / 1e6);
            row.put("hot_thp_percent", hotPercent);
            row.put("heap_thp_percent", heapPercent);
            rows.add(row);
            hotRegion = -1;
            if (++phase == phases) {
                ended = "ran " + phases + " phases";
            }
        }
        return ended == null;
    }

    /** @return the region's AnonHugePages in kB */
    private long huge(int region) {
        return Resident.of(m, "app", names[region]).anonHugeKb();
    }

    private boolean ok(SyscallResult r, String what) {
        if (!r.ok()) {
            ended = what + " failed: " + r;
        }
        return r.ok();
    }

    @Override
    public void end(String why) {
        if (ended == null) {
            ended = why + " (in phase " + (phase + 1) + ")";
        }
    }

    @Override
    public void stop() {
        if (ended == null) {
            ended = "stopped by the user in phase " + (phase + 1);
        }
    }

    @Override
    public String progress() {
        return loaded < heap ? String.format(Locale.ROOT, "loading, %d of %d MiB", loaded >> 20, heap >> 20)
                : String.format(Locale.ROOT, "phase %d of %d%s", Math.min(phase + 1, phases), phases, ended == null ? "" : ", ended");
    }

    @Override
    public String report() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "hot-regions: %d MiB machine, %d MiB heap in %d regions of %d MiB, %d phases of %d ms,"
                + " %d%% of %d loads a step to the hot region, seed %d%n", m.bootParameters().bytes() >> 20, heap >> 20, regions,
                hot >> 20, phases, phaseNs / 1_000_000, share, batch, seed));
        b.append(ended == null ? "running" : ended).append('\n');
        b.append(lines);
        b.append(String.format(Locale.ROOT, "THPs: thp_collapse_alloc %d, thp_fault_alloc %d%n", m.vmstat().get("thp_collapse_alloc"),
                m.vmstat().get("thp_fault_alloc")));
        b.append(Measures.lines(m.report(null)));
        b.append(String.format(Locale.ROOT, "simulated time %.3f s", m.now() / 1e9));
        return b.toString();
    }

    @Override
    public Map<String, Object> results() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("machine_mib", m.bootParameters().bytes() >> 20);
        r.put("heap_mib", heap >> 20);
        r.put("regions", regions);
        r.put("region_mib", hot >> 20);
        r.put("phases", phases);
        r.put("phase_ms", phaseNs / 1_000_000);
        r.put("share_percent", share);
        r.put("batch", batch);
        r.put("seed", seed);
        r.put("ended", ended == null ? "running" : ended);
        r.put("per_phase", rows);
        Map<String, Object> thps = new LinkedHashMap<>();
        thps.put("thp_collapse_alloc", m.vmstat().get("thp_collapse_alloc"));
        thps.put("thp_fault_alloc", m.vmstat().get("thp_fault_alloc"));
        r.put("thps", thps);
        r.put(Measures.KEY, Measures.results(m.report(null)));
        r.put("simulated_time_s", m.now() / 1e9);
        return r;
    }

    /** The load as one part, each phase as one, by its simulated time. */
    @Override
    public double fraction() {
        if (ended != null) {
            return 1.0;
        }
        if (loaded < heap) {
            return Measures.fraction(loaded, (double) heap * (phases + 1));
        }
        double in = hotRegion < 0 ? 0 : Math.min(1.0, (m.now() - phaseStart) / (double) Math.max(1, phaseNs));
        return Measures.fraction(1 + phase + in, phases + 1.0);
    }
}
