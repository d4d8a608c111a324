package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmuSettings;
import org.thplab.mm.api.VmEvent;

/**
 * The kernel's paths flush the TLBs as arch/x86/mm/tlb.c counts it: munmap's mmu_gather ends in
 * one flush_tlb_mm_range() (partial up to 33 pages, tlb_single_page_flush_ceiling, full beyond),
 * and a khugepaged collapse on another CPU than the process's is a shootdown.
 */
class TlbFlushTest {
    private static final String[] COUNTERS = {"nr_tlb_remote_flush", "nr_tlb_remote_flush_received",
        "nr_tlb_local_flush_one", "nr_tlb_local_flush_all"};

    private static MachineOps machine(int cpus) {
        MachineOps m = Harness.ops(Harness.runtime());
        m.mmu(new MmuSettings("zen4", false, 4, cpus));
        m.boot(1L << 30, 0, 1);
        return m;
    }

    private static long[] counts(MachineOps m) {
        Map<String, Long> s = m.stat();
        long[] c = new long[COUNTERS.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = s.get(COUNTERS[i]);
        }
        return c;
    }

    private static long[] minus(long[] a, long[] b) {
        long[] d = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    @Test
    void munmapFlushesPageByPageUpToTheCeilingAndWhollyBeyond() {
        MachineOps m = machine(1);
        m.sysfs("enabled", "never");
        m.spawn("p");
        m.mmap("p", "a", 4L << 20);
        m.access("p", "a", AccessPattern.seq(), 1024, true);
        long[] before = counts(m);
        m.munmap("p", "a", 0, 4 << 12);
        long[] four = minus(counts(m), before);
        assertEquals(4, four[2], "local_flush_one: one INVLPG per page");
        assertEquals(0, four[3]);
        assertEquals(0, four[0], "no other CPU");
        before = counts(m);
        m.munmap("p", "a", 1L << 20, 256 << 12);
        long[] many = minus(counts(m), before);
        assertEquals(0, many[2]);
        assertEquals(1, many[3], "more than 33 pages: one full flush");
    }

    @Test
    void anUnmappedPageIsWalkedAgainWhenItIsMappedAgain() {
        MachineOps m = machine(1);
        m.sysfs("enabled", "never");
        m.spawn("p");
        m.mmap("p", "a", 64L << 12);
        m.access("p", "a", AccessPattern.seq(), 64, true);
        long walks = m.perfStat("p").events().get("dtlb_load_misses.walk_completed");
        m.access("p", "a", AccessPattern.seq(), 64, false);
        assertEquals(walks, m.perfStat("p").events().get("dtlb_load_misses.walk_completed"), "64 pages stay in the L1");
        assertTrue(m.madvise("p", "a", 0, 64L << 12, Advice.DONTNEED).ok());
        m.access("p", "a", AccessPattern.seq(), 64, false);
        assertEquals(walks + 64, m.perfStat("p").events().get("dtlb_load_misses.walk_completed"),
                "MADV_DONTNEED flushed them: each is walked again");
    }

    private static long[] collapseByKhugepaged(MachineOps m) {
        m.sysfs("enabled", "madvise");
        m.sysfs("khugepaged/scan_sleep_millisecs", "10");
        m.spawn("p0");
        m.spawn("p1"); // the second process: CPU 1 of two
        m.mmap("p1", "a", 2L << 20);
        m.access("p1", "a", AccessPattern.seq(), 512, true);
        long[] before = counts(m);
        assertTrue(m.madvise("p1", "a", 0, 2L << 20, Advice.HUGEPAGE).ok());
        m.tick(1_000_000_000L);
        assertEquals(1, m.count(VmEvent.THP_COLLAPSE_ALLOC), "khugepaged collapsed the region");
        return minus(counts(m), before);
    }

    @Test
    void aCollapseOnAnotherCpuShootsItsTlbDown() {
        long[] d = collapseByKhugepaged(machine(2));
        assertEquals(1, d[0], "nr_tlb_remote_flush");
        assertEquals(1, d[1], "nr_tlb_remote_flush_received");
        assertEquals(0, d[2] + d[3], "khugepaged's CPU does not run the mm");
    }

    @Test
    void aCollapseOnTheProcessesCpuLeavesTheLazyMmWithoutAFlush() {
        long[] d = collapseByKhugepaged(machine(1));
        assertEquals(0, d[0] + d[1] + d[2] + d[3], java.util.Arrays.toString(d));
    }
}
