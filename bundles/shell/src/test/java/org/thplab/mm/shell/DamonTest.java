package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.core.runtime.MmRuntime;

/** promote-damon on a machine: DAMOS_COLLAPSE of the regions the samples find accessed, and only those. */
class DamonTest {
    private static long huge(MachineOps m, String proc, String region) {
        return m.smaps(proc, region).stream().mapToLong(e -> e.anonHugeKb()).sum();
    }

    @Test
    void collapsesTheHotRegionAndLeavesTheColdOne() {
        MmRuntime rt = Harness.runtime();
        MachineOps m = Harness.ops(rt);
        rt.defaultMachine().policyAdmin().usePolicy("fault", "base");
        rt.defaultMachine().policyAdmin().usePolicy("promotion", "-khugepaged");
        rt.defaultMachine().policyAdmin().usePolicy("promotion", "+damon");
        m.boot(256L << 20, 0, 1);
        m.spawn("p");
        m.mmap("p", "hot", 8L << 20);
        m.mmap("p", "cold", 8L << 20);
        assertTrue(m.touch("p", "hot", 0, 8L << 20, true).ok());
        assertTrue(m.touch("p", "cold", 0, 8L << 20, true).ok());
        long t0 = m.now();
        // 40 ms of uniform loads on hot, then idle: each 5 ms sample of a hot range finds its
        // page accessed, so the first aggregation (100 ms) sees nr_accesses >= 5 there.
        while (m.now() - t0 < 40_000_000L) {
            assertTrue(m.access("p", "hot", AccessPattern.uniform(), 10_000, false).ok());
        }
        assertEquals(0, huge(m, "p", "hot"), "nothing before the first aggregation");
        m.tick(100_000_000L);
        assertEquals(8192, huge(m, "p", "hot"), "the four hot ranges collapsed");
        assertEquals(0, huge(m, "p", "cold"), "no sample of a cold range found it accessed");
        assertEquals(4, m.vmstat().get("thp_collapse_alloc"));
        assertEquals(0, m.verify("p", "hot"));
        assertEquals(java.util.List.of(), m.check());
    }
}
