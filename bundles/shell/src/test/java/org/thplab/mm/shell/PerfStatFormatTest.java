package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.PerfStat;

/**
 * perf stat's layout, held against lines perf 6.1 printed on the reference box for one run of
 * {@code perf stat -e task-clock,page-faults,minor-faults,context-switches,cpu-migrations -- sleep 0.05}
 * (trailing blanks stripped): 1.150526 ms of task-clock over 52.389495 ms elapsed, 75 faults,
 * 1 context switch, 0 migrations. The same figures given to thplab's perf stat must come out in
 * the same columns with the same derived metrics.
 */
class PerfStatFormatTest {
    private static final List<String> PERF = List.of(
            "              1.15 msec task-clock                       #    0.022 CPUs utilized",
            "                75      page-faults                      #   65.188 K/sec",
            "                75      minor-faults                     #   65.188 K/sec",
            "                 1      context-switches                 #  869.168 /sec",
            "                 0      cpu-migrations                   #    0.000 /sec",
            "       0.052389495 seconds time elapsed");

    private static PerfStat stat(long taskNs, long elapsedNs, long faults, long loads, long misses) {
        Map<String, Long> e = new LinkedHashMap<>();
        e.put("dTLB-loads", loads);
        e.put("dTLB-load-misses", misses);
        e.put("minor-faults", faults);
        e.put("context-switches", 1L);
        e.put("cpu-migrations", 0L);
        return new PerfStat("p", taskNs, 0, faults, e, elapsedNs);
    }

    @Test
    void theLinesPerfPrintsComeOutAsPerfPrintsThem() {
        List<String> ours = Arrays.asList(Hardware.perfStat(stat(1_150_526, 52_389_495, 75, 0, 0)).split("\n", -1));
        for (String line : PERF) {
            assertTrue(ours.contains(line), "missing\n" + line + "\nin\n" + String.join("\n", ours));
        }
        assertEquals("", ours.get(0));
        assertEquals(" Performance counter stats for process 'p' (simulated):", ours.get(1));
        // As perf ends its report: a blank line, the time elapsed, a blank line.
        assertEquals(List.of("", PERF.get(5), ""), ours.subList(ours.size() - 3, ours.size()));
    }

    @Test
    void ratesScaleAsConvertUnitDoubleDoesAndTheMissRatioIsOfTheLoads() {
        // 4,000,000 in 2 ms: 2e9/s, "2.000 G/sec"; 1,500 misses of 4,000,000 loads: 0.04%.
        String out = Hardware.perfStat(stat(2_000_000, 4_000_000, 4_000_000, 4_000_000, 1_500));
        assertTrue(out.contains("         4,000,000      page-faults                      #    2.000 G/sec\n"), out);
        assertTrue(out.contains("         4,000,000      dTLB-loads                       #    2.000 G/sec\n"), out);
        assertTrue(out.contains("             1,500      dTLB-load-misses                 #    0.04% of all dTLB cache accesses\n"), out);
        assertTrue(out.contains("#    0.500 CPUs utilized\n"), out);
        // thplab's own lines are not perf's events: no rate.
        assertTrue(out.contains("                 0      thplab.accesses\n"), out);
    }

    @Test
    void withoutTimeThereIsNoUtilizationAndEveryRateIsZero() {
        String out = Hardware.perfStat(stat(0, 0, 3, 0, 0));
        assertTrue(out.contains("              0.00 msec task-clock\n"), out);
        assertTrue(out.contains("                 3      page-faults                      #    0.000 /sec\n"), out);
        assertTrue(out.contains("                 0      dTLB-load-misses                 #    0.00% of all dTLB cache accesses\n"), out);
    }
}
