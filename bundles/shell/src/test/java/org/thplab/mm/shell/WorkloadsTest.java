package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.core.runtime.MmRuntime;

/** The workloads of the review thread, against what the kernel's mechanisms make of them. */
class WorkloadsTest {
    private static long[] numbers(String report, String regex) {
        Matcher mt = Pattern.compile(regex).matcher(report);
        List<Long> out = new ArrayList<>();
        while (mt.find()) {
            for (int g = 1; g <= mt.groupCount(); g++) {
                out.add(Long.parseLong(mt.group(g)));
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static double slowdown(String report) {
        Matcher mt = Pattern.compile("slowdown against all THP (\\d+\\.\\d+) ms").matcher(report);
        assertTrue(mt.find(), report);
        return Double.parseDouble(mt.group(1));
    }

    @Test
    void redisSnapshotCopiesFourKiBOrTwoMiBAsTheCowPolicySays() {
        MmRuntime rt = Harness.runtime();
        MachineOps ops = Harness.ops(rt);
        ops.sysfs("enabled", "always");
        Map<String, String> p = Map.of("size", Long.toString(512L << 20), "heap", Long.toString(64L << 20), "snapshots", "2",
                "interval", "10", "batch", "2000");
        String pte = rt.run("default", "redis-snapshot", p);
        assertTrue(pte.contains("ran 2 snapshots"), pte);
        // Each CoW break is one fault of the parent, and copies one 4 KiB page (do_wp_page() since 5.8).
        long[] s = numbers(pte, "CoW (\\d+) KiB \\((\\d+) x 4K \\+ (\\d+) x 2M\\).*?\\((\\d+) faults\\)");
        assertEquals(8, s.length, pte);
        for (int i = 0; i < s.length; i += 4) {
            assertTrue(s[i + 1] > 0, pte);
            assertEquals(0, s[i + 2], pte);
            assertEquals(4 * s[i + 1], s[i], pte);
            assertEquals(s[i + 1], s[i + 3], "every fault of the parent in a snapshot is a CoW break");
        }
        rt.defaultMachine().policyAdmin().usePolicy("cow", "huge");
        String huge = rt.run("default", "redis-snapshot", p);
        s = numbers(huge, "CoW (\\d+) KiB \\((\\d+) x 4K \\+ (\\d+) x 2M\\).*?\\((\\d+) faults\\)");
        for (int i = 0; i < s.length; i += 4) {
            assertEquals(0, s[i + 1], huge);
            assertTrue(s[i + 2] > 0 && s[i + 2] <= 32, "at most the heap's 32 THPs: " + huge);
            assertEquals(2048 * s[i + 2], s[i], huge);
        }
        assertTrue(slowdown(pte) > slowdown(huge), "4 KiB CoW splits the THPs the writes then walk: " + pte + huge);
    }

    @Test
    void sparseHeapNeverHoldsLessThanItsLiveBytes() {
        MmRuntime rt = Harness.runtime();
        Harness.ops(rt).sysfs("enabled", "always");
        String r = rt.run("default", "sparse-heap", Map.of("size", Long.toString(1L << 30), "heap", Long.toString(64L << 20),
                "cycles", "3", "sleep", "0"));
        assertTrue(r.contains("ran 3 cycles"), r);
        long[] v = numbers(r, "live (\\d+) MiB, Rss (\\d+) MiB, AnonHugePages (\\d+) MiB .*?used (\\d+) MiB");
        assertEquals(9 * 4, v.length, r);
        for (int i = 0; i < v.length; i += 4) {
            assertTrue(v[i + 1] >= v[i], "every live page was written and not freed: " + r);
            assertTrue(v[i + 2] <= v[i + 1], "AnonHugePages is part of Rss: " + r);
            assertTrue(v[i + 3] + 1 >= v[i + 1], "what is mapped was given out: " + r);
        }
        assertEquals(v[1], v[2], "the first growth is all THPs (enabled=always, an empty machine): " + r);
        assertEquals(v[3], v[7], "no pressure: MADV_DONTNEED of part of a THP frees nothing until it is split: " + r);
    }

    @Test
    void shortLivedProcessesSeeNoCollapseBeforeKhugepagedWakes() {
        MmRuntime rt = Harness.runtime();
        MachineOps ops = Harness.ops(rt);
        rt.defaultMachine().policyAdmin().usePolicy("fault", "base");
        Map<String, String> p = Map.of("size", Long.toString(1L << 30), "procs", "6", "jobs", "2", "min", Long.toString(8L << 20),
                "max", Long.toString(8L << 20), "lifetime", "5", "slice", "2000");
        String r = rt.run("default", "short-lived", p);
        assertTrue(r.contains("all 6 processes ran and exited"), r);
        // Well under khugepaged's first wake (scan_sleep_millisecs 10000): nothing collapsed, no THP.
        assertTrue(ops.now() < 10_000_000_000L, r);
        assertTrue(r.contains("THP coverage at exit: 0 of"), r);
        assertTrue(r.contains("thp_collapse_alloc 0,"), r);
        rt.defaultMachine().policyAdmin().usePolicy("fault", "thp");
        ops.sysfs("enabled", "always");
        String thp = rt.run("default", "short-lived", p);
        long[] cov = numbers(thp, "THP coverage at exit: (\\d+) of (\\d+) MiB");
        assertTrue(cov[1] > 0 && cov[0] == cov[1], "THPs at the fault cover all the processes touched of their 2 MiB heaps: " + thp);
        assertThrows(MmUsageException.class, () -> rt.run("default", "short-lived", Map.of("theta", "hot")));
        assertThrows(MmUsageException.class, () -> rt.run("default", "short-lived", Map.of("jobs", "0")));
    }

    @Test
    void hotRegionsAreCoveredByTheAccessSamplerAndNotByKhugepagedsScan() {
        MmRuntime rt = Harness.runtime();
        rt.defaultMachine().policyAdmin().usePolicy("fault", "base");
        Map<String, String> p = Map.of("size", Long.toString(512L << 20), "heap", Long.toString(64L << 20), "hot",
                Long.toString(8L << 20), "phases", "2", "phase", "400", "batch", "5000");
        String scan = rt.run("default", "hot-regions", p);
        assertTrue(scan.contains("ran 2 phases"), scan);
        // khugepaged's first pass (pages_to_scan 4096, at the first registration) collapses in address order,
        // then it sleeps scan_sleep_millisecs (10 s): the hot regions, drawn after r0, stay base pages.
        assertEquals(2, scan.split("never covered", -1).length - 1, scan);
        rt.defaultMachine().policyAdmin().usePolicy("promotion", "-khugepaged");
        rt.defaultMachine().policyAdmin().usePolicy("promotion", "+damon");
        String damon = rt.run("default", "hot-regions", p);
        assertEquals(2, numbers(damon, "covered after (\\d+) ms").length, damon);
        assertEquals(2, numbers(damon, "at the end (100)% of it").length, damon);
        assertTrue(damon.contains("MADV_COLLAPSE"), damon);
        assertThrows(MmUsageException.class, () -> rt.run("default", "hot-regions", Map.of("hot", Long.toString(3L << 20))));
    }
}
