package org.thplab.workload.sparseheap;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.spi.workload.WorkloadRun;
import org.thplab.workload.common.Measures;
import org.thplab.workload.common.Resident;

/**
 * A heap in the manner of an allocator that returns freed runs to the kernel with MADV_DONTNEED
 * (jemalloc's and tcmalloc's purging, glibc's free of a large chunk's pages): one process maps
 * {@code heap} bytes; each cycle it allocates objects first-fit (or next-fit), page-granular, sizes
 * log-uniform in [min, max], writing each object whole, until {@code fill}% of the heap is live
 * or no hole fits the next object; then frees {@code free}% of the live objects at random,
 * MADV_DONTNEED on each one's pages; then sleeps {@code sleep} simulated ms, in which
 * khugepaged and reclaim run. Freeing inside a THP splits its PMD and leaves the THP partially
 * mapped (the deferred split queue); khugepaged may collapse the holes back. After each phase it
 * samples the heap's Rss and AnonHugePages (smaps) and the memory the machine has given out since
 * the heap was mapped (MemTotal - MemFree: a partially mapped THP holds its unmapped subpages
 * until it is split, which Rss does not show) against the bytes live: the bloat (memory taken
 * but not live) and the THP coverage over time.
 *
 * <p>One step allocates or frees one object, or sleeps. The objects are primitive arrays.
 */
final class SparseHeapRun implements WorkloadRun {
    private static final long PAGE = 4096;

    private final MachineOps m;
    private final long heap;
    private final int pages;
    private final int cycles;
    private final int fill;
    private final int free;
    private final int minPages;
    private final int maxPages;
    private final long sleepNs;
    /** Next fit: the search starts where the last allocation ended. */
    private final boolean nextFit;
    private int cursor;
    private final long seed;
    private final SplittableRandom rnd;
    private final BitSet used;
    /** The live objects: first page and pages, the first {@code objects} entries. */
    private int[] start = new int[1024];
    private int[] length = new int[1024];
    private int objects;
    private long livePages;
    private int cycle;
    /** 0 grow, 1 free, 2 sleep. */
    private int phase;
    private int freeAt;
    private final StringBuilder samples = new StringBuilder();
    /** The samples' figures, as {@link #samples} prints them. */
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private long allocations;
    private long frees;
    private long peakRssKb;
    private long peakUsedKb;
    private final long usedAtStartKb;
    private String ended;

    SparseHeapRun(MachineOps m, long heap, int cycles, int fill, int free, long min, long max, boolean nextFit, long sleepMs,
            long seed) {
        this.nextFit = nextFit;
        this.m = m;
        this.heap = heap;
        this.pages = (int) (heap / PAGE);
        this.cycles = cycles;
        this.fill = fill;
        this.free = free;
        this.minPages = (int) (min / PAGE);
        this.maxPages = (int) (max / PAGE);
        this.sleepNs = sleepMs * 1_000_000L;
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        this.used = new BitSet(pages);
        m.spawn("heap");
        m.mmap("heap", "heap", heap);
        usedAtStartKb = usedKb();
    }

    /** @return MemTotal - MemFree: what the heap's THPs hold, mapped or not, shows here and not in Rss */
    private long usedKb() {
        Map<String, Long> mi = m.meminfo();
        return mi.get("MemTotal") - mi.get("MemFree");
    }

    @Override
    public boolean step() {
        if (ended != null) {
            return false;
        }
        switch (phase) {
            case 0 -> grow();
            case 1 -> freeOne();
            default -> {
                if (sleepNs > 0) {
                    m.tick(sleepNs);
                }
                sample("slept");
                phase = 0;
                if (++cycle == cycles) {
                    ended = "ran " + cycles + " cycles";
                }
            }
        }
        return ended == null;
    }

    /** One allocation, first fit; the growth ends when the heap is full enough or nothing fits. */
    private void grow() {
        int n = objectPages();
        int at = livePages * 100 >= (long) pages * fill ? -1 : firstFit(n);
        if (at < 0) {
            sample("grown");
            phase = 1;
            freeAt = 0;
            return;
        }
        SyscallResult r = m.touch("heap", "heap", at * PAGE, n * PAGE, true);
        if (!r.ok()) {
            ended = "allocation " + (allocations + 1) + " failed: " + r;
            return;
        }
        used.set(at, at + n);
        if (objects == start.length) {
            start = java.util.Arrays.copyOf(start, objects * 2);
            length = java.util.Arrays.copyOf(length, objects * 2);
        }
        start[objects] = at;
        length[objects] = n;
        objects++;
        livePages += n;
        allocations++;
    }

    /** Log-uniform in [minPages, maxPages], as allocation sizes spread over orders of magnitude. */
    private int objectPages() {
        if (minPages == maxPages) {
            return minPages;
        }
        double lo = Math.log(minPages);
        double hi = Math.log(maxPages + 1.0);
        return (int) Math.min(maxPages, Math.floor(Math.exp(lo + rnd.nextDouble() * (hi - lo))));
    }

    /** @return the first page of the lowest hole of at least n pages (from the cursor, for next fit), or -1 */
    private int firstFit(int n) {
        if (nextFit) {
            int at = fitFrom(cursor, n);
            at = at >= 0 ? at : fitFrom(0, n);
            if (at >= 0) {
                cursor = at + n;
            }
            return at;
        }
        return fitFrom(0, n);
    }

    private int fitFrom(int from, int n) {
        for (int at = used.nextClearBit(from); at + n <= pages; ) {
            int next = used.nextSetBit(at);
            if (next < 0 || next - at >= n) {
                return at;
            }
            at = used.nextClearBit(next);
        }
        return -1;
    }

    /** Decides for the next live object whether it is freed: MADV_DONTNEED on its pages. */
    private void freeOne() {
        if (freeAt >= objects) {
            sample("freed");
            phase = 2;
            return;
        }
        if (rnd.nextInt(100) >= free) {
            freeAt++;
            return;
        }
        int at = start[freeAt];
        int n = length[freeAt];
        SyscallResult r = m.madvise("heap", "heap", at * PAGE, n * PAGE, Advice.DONTNEED);
        if (!r.ok()) {
            ended = "MADV_DONTNEED of an object failed: " + r;
            return;
        }
        used.clear(at, at + n);
        livePages -= n;
        frees++;
        objects--;
        start[freeAt] = start[objects];
        length[freeAt] = length[objects];
    }

    private void sample(String after) {
        Resident res = Resident.of(m, "heap", "heap");
        long rss = res.rssKb();
        long thp = res.anonHugeKb();
        long used = usedKb() - usedAtStartKb;
        peakRssKb = Math.max(peakRssKb, rss);
        peakUsedKb = Math.max(peakUsedKb, used);
        long liveKb = livePages * 4;
        double coverage = rss == 0 ? 0.0 : 100.0 * thp / rss;
        samples.append(String.format(Locale.ROOT,
                "  cycle %d %-6s t=%.3fs live %d MiB, Rss %d MiB, AnonHugePages %d MiB (coverage %.1f%%), used %d MiB, bloat %d MiB%n",
                cycle + 1, after, m.now() / 1e9, liveKb >> 10, rss >> 10, thp >> 10, coverage,
                used >> 10, (used - liveKb) >> 10));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("cycle", cycle + 1);
        row.put("after", after);
        row.put("t_s", m.now() / 1e9);
        row.put("live_mib", liveKb >> 10);
        row.put("rss_mib", rss >> 10);
        row.put("anon_huge_pages_mib", thp >> 10);
        row.put("coverage_percent", coverage);
        row.put("used_mib", used >> 10);
        row.put("bloat_mib", (used - liveKb) >> 10);
        rows.add(row);
    }

    @Override
    public void end(String why) {
        if (ended == null) {
            ended = why + " (in cycle " + (cycle + 1) + ")";
        }
    }

    @Override
    public void stop() {
        if (ended == null) {
            ended = "stopped by the user in cycle " + (cycle + 1);
        }
    }

    @Override
    public String progress() {
        return String.format(Locale.ROOT, "cycle %d of %d, %s, %d objects live%s", Math.min(cycle + 1, cycles), cycles,
                phase == 0 ? "growing" : phase == 1 ? "freeing" : "sleeping", objects, ended == null ? "" : ", ended");
    }

    @Override
    public String report() {
        Map<String, Long> vm = m.vmstat();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "sparse-heap: %d MiB machine, %d MiB heap, %d cycles, fill %d%%, free %d%%,"
                + " objects %d-%d KiB%s, seed %d%n", m.bootParameters().bytes() >> 20, heap >> 20, cycles, fill, free,
                minPages * 4, maxPages * 4, nextFit ? ", next fit" : "", seed));
        b.append(String.format(Locale.ROOT, "%s; %d allocations, %d frees, peak Rss %d MiB, peak used %d MiB%n",
                ended == null ? "running" : ended, allocations, frees, peakRssKb >> 10, peakUsedKb >> 10));
        b.append("  (used: memory taken since the heap was mapped, page tables included; bloat: used less live)\n");
        b.append(samples);
        b.append(String.format(Locale.ROOT,
                "THPs: thp_fault_alloc %d, thp_collapse_alloc %d, thp_split_pmd %d, thp_deferred_split_page %d, thp_split_page %d,"
                + " thp_underused_split_page %d%n", vm.get("thp_fault_alloc"), vm.get("thp_collapse_alloc"), vm.get("thp_split_pmd"),
                vm.get("thp_deferred_split_page"), vm.get("thp_split_page"), vm.getOrDefault("thp_underused_split_page", 0L)));
        b.append(Measures.lines(m.report(null)));
        b.append(String.format(Locale.ROOT, "simulated time %.3f s", m.now() / 1e9));
        return b.toString();
    }

    @Override
    public Map<String, Object> results() {
        Map<String, Long> vm = m.vmstat();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("machine_mib", m.bootParameters().bytes() >> 20);
        r.put("heap_mib", heap >> 20);
        r.put("cycles", cycles);
        r.put("fill_percent", fill);
        r.put("free_percent", free);
        r.put("object_min_kib", minPages * 4);
        r.put("object_max_kib", maxPages * 4);
        r.put("seed", seed);
        r.put("ended", ended == null ? "running" : ended);
        r.put("allocations", allocations);
        r.put("frees", frees);
        r.put("peak_rss_mib", peakRssKb >> 10);
        r.put("peak_used_mib", peakUsedKb >> 10);
        r.put("per_phase", rows);
        Map<String, Object> thps = new LinkedHashMap<>();
        for (String k : new String[] {"thp_fault_alloc", "thp_collapse_alloc", "thp_split_pmd", "thp_deferred_split_page",
            "thp_split_page"}) {
            thps.put(k, vm.get(k));
        }
        thps.put("thp_underused_split_page", vm.getOrDefault("thp_underused_split_page", 0L));
        r.put("thps", thps);
        r.put(Measures.KEY, Measures.results(m.report(null)));
        r.put("simulated_time_s", m.now() / 1e9);
        return r;
    }

    /** Cycles done, each as three phases (grow, free, sleep); inside a phase nothing finer. */
    @Override
    public double fraction() {
        return ended != null ? 1.0 : Measures.fraction(cycle * 3 + phase, cycles * 3.0);
    }
}
