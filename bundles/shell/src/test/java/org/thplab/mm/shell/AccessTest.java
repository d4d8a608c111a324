package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.MmuSettings;
import org.thplab.mm.api.PerfStat;
import org.thplab.mm.api.VmEvent;

/**
 * The access path against results known without the simulator: the TLB misses of sequential
 * and uniform patterns (an LRU cache of E entries under uniform references over N pages hits
 * with probability E/N), a working set that fits, faults as touch takes them, and determinism.
 * The MMU is the zen4 preset: a fully associative 72-entry L1 dTLB for every page size and a
 * 3072-entry L2 TLB.
 */
class AccessTest {
    private static final int L1 = 72;
    private static final int L2 = 3072;

    private static MachineOps machine(String enabled, String size) {
        var rt = Harness.runtime();
        MachineOps m = Harness.ops(rt);
        m.boot(4L << 30, 0, 1);
        m.sysfs("enabled", enabled);
        m.spawn("p");
        m.mmap("p", "a", Sizes.bytes("mmap", size));
        m.touch("p", "a", 0, Sizes.bytes("touch", size), true);
        return m;
    }

    private static long event(PerfStat s, String name) {
        return s.events().get(name);
    }

    private static PerfStat delta(PerfStat before, PerfStat after) {
        Map<String, Long> d = new java.util.LinkedHashMap<>();
        after.events().forEach((k, v) -> d.put(k, v - before.events().get(k)));
        return new PerfStat(after.proc(), after.taskClockNs() - before.taskClockNs(), after.accesses() - before.accesses(),
                after.pageFaults() - before.pageFaults(), d, after.elapsedNs() - before.elapsedNs());
    }

    @Test
    void aSequentialPassMissesOncePerBasePageInEveryLevel() {
        MachineOps m = machine("never", "64M");
        int pages = 64 << 8;
        assertTrue(m.access("p", "a", AccessPattern.seq(), pages, false).ok());
        PerfStat s = m.perfStat("p");
        assertEquals(pages, s.accesses());
        assertEquals(pages, event(s, "dTLB-loads"), "on AMD, perf's dTLB-loads count the L1 misses");
        assertEquals(pages, event(s, "ls_l1_d_tlb_miss.all"));
        assertEquals(pages, event(s, "dtlb_load_misses.walk_completed_4k"));
        assertEquals(0, event(s, "dtlb_load_misses.walk_completed_2m_4m"));
        assertEquals(pages, s.pageFaults(), "the touch's faults: the accesses took none");
    }

    @Test
    void aSequentialPassMissesOncePerHugePage() {
        MachineOps m = machine("always", "64M");
        assertEquals(64 << 10, m.smaps("p", "a").get(0).anonHugeKb(), "the region is PMD-mapped");
        assertTrue(m.access("p", "a", AccessPattern.seq(), 64 << 8, false).ok());
        PerfStat s = m.perfStat("p");
        assertEquals(32, event(s, "ls_l1_d_tlb_miss.all"));
        assertEquals(32, event(s, "dtlb_load_misses.walk_completed_2m_4m"));
        assertEquals(0, event(s, "dtlb_load_misses.walk_completed_4k"));
    }

    @Test
    void uniformAccessesMissAFullyAssociativeLruTlbWithProbabilityOneMinusEntriesOverPages() {
        // 720 pages: the L1 holds a tenth of them; all fit the L2, so no walk once each was seen.
        MachineOps m = machine("never", "2880K");
        int pages = 720;
        m.access("p", "a", AccessPattern.uniform(), 100_000, false); // warm: every page seen, the TLBs full
        PerfStat before = m.perfStat("p");
        int n = 1_000_000;
        m.access("p", "a", AccessPattern.uniform(), n, false);
        PerfStat s = delta(before, m.perfStat("p"));
        double missRate = event(s, "ls_l1_d_tlb_miss.all") / (double) n;
        assertEquals(1 - (double) L1 / pages, missRate, 0.005, s.events().toString());
        assertEquals(0, event(s, "dtlb_load_misses.walk_completed"), "every page is in the L2 TLB");
    }

    @Test
    void uniformAccessesOverManyPagesWalkAsOftenAsTheL2TlbMisses() {
        MachineOps m = machine("never", "256M");
        int pages = 65536;
        m.access("p", "a", AccessPattern.uniform(), 200_000, false);
        PerfStat before = m.perfStat("p");
        int n = 1_000_000;
        m.access("p", "a", AccessPattern.uniform(), n, false);
        PerfStat s = delta(before, m.perfStat("p"));
        // Each of the 256 sets of 12 ways sees 1/256 of the pages uniformly: hit rate 3072/N. The
        // L1 hits (72/N) are mostly L2 hits too, so the walk rate lies between these bounds.
        double walks = event(s, "dtlb_load_misses.walk_completed") / (double) n;
        assertTrue(walks >= 1 - (double) (L2 + L1) / pages - 0.003 && walks <= 1 - (double) L2 / pages + 0.003,
                walks + " " + s.events());
    }

    @Test
    void aWorkingSetThatFitsMissesOnlyOnItsFirstTouch() {
        MachineOps m = machine("never", "256K"); // 64 pages, fewer than the L1's 72 entries
        m.access("p", "a", AccessPattern.uniform(), 100_000, true);
        PerfStat s = m.perfStat("p");
        assertEquals(64, event(s, "ls_l1_d_tlb_miss.all"));
        assertEquals(64, event(s, "dtlb_load_misses.walk_completed"));
        assertEquals(0, m.verify("p", "a"), "the stores reached the oracle");
    }

    @Test
    void accessesToUnmappedPagesFaultAsTouchDoes() {
        var rt = Harness.runtime();
        MachineOps m = Harness.ops(rt);
        m.boot(1L << 30, 0, 1);
        m.sysfs("enabled", "never");
        m.spawn("p");
        m.mmap("p", "a", 4L << 20);
        long faults = m.count(VmEvent.PGFAULT);
        assertTrue(m.access("p", "a", AccessPattern.seq(), 1024, false).ok());
        assertEquals(0, m.smaps("p", "a").get(0).rssKb(), "reads map the zero page");
        assertTrue(m.access("p", "a", AccessPattern.seq(), 1024, true).ok());
        assertEquals(4096, m.smaps("p", "a").get(0).rssKb());
        assertEquals(faults + 2048, m.count(VmEvent.PGFAULT), "a read fault, then a write fault, per page");
        assertEquals(2048, m.perfStat("p").pageFaults());
        assertEquals(0, m.verify("p", "a"));
        assertEquals(List.of(), m.check());
    }

    @Test
    void theSameSeedMakesTheSameAccessesAndAnotherSeedOthers() {
        PerfStat[] runs = new PerfStat[3];
        long[] seeds = {5, 5, 6};
        for (int i = 0; i < 3; i++) {
            var rt = Harness.runtime();
            MachineOps m = Harness.ops(rt);
            m.boot(1L << 30, 0, seeds[i]);
            m.sysfs("enabled", "never");
            m.spawn("p");
            m.mmap("p", "a", 64L << 20);
            m.access("p", "a", AccessPattern.parse("zipf=0.9"), 50_000, true);
            m.access("p", "a", AccessPattern.parse("hotset=0.1:0.9"), 50_000, false);
            runs[i] = m.perfStat("p");
        }
        assertEquals(runs[0], runs[1]);
        assertNotEquals(runs[0].events(), runs[2].events());
    }

    @Test
    void hugePagesMakeUniformAccessesOverAGibFaster() {
        MachineOps base = machine("never", "1G");
        MachineOps thp = machine("always", "1G");
        long[] ns = new long[2];
        int i = 0;
        for (MachineOps m : List.of(base, thp)) {
            PerfStat before = m.perfStat("p");
            m.access("p", "a", AccessPattern.uniform(), 500_000, false);
            ns[i++] = delta(before, m.perfStat("p")).taskClockNs();
        }
        assertTrue(ns[0] > 1.1 * ns[1], "4K " + ns[0] + " ns, THP " + ns[1] + " ns");
    }

    @Test
    void theShadowMappingsCostWhatTheRealOneCostsWhenItIsTheSame() {
        // One process, no flush: the MMU that sees its real mapping and the shadow of the same
        // mapping see the same translations, so they cost the same cycles.
        MachineOps base = machine("never", "256M");
        base.access("p", "a", AccessPattern.uniform(), 200_000, false);
        PerfStat b = base.perfStat("p");
        assertEquals(event(b, "thplab.translation_cycles"), event(b, "thplab.translation_cycles.if_all_4k"));
        assertTrue(event(b, "thplab.translation_cycles.if_all_thp") < event(b, "thplab.translation_cycles") / 2, b.events().toString());
        MachineOps thp = machine("always", "256M");
        thp.access("p", "a", AccessPattern.uniform(), 200_000, false);
        PerfStat t = thp.perfStat("p");
        assertEquals(event(t, "thplab.translation_cycles"), event(t, "thplab.translation_cycles.if_all_thp"));
        assertEquals(event(b, "thplab.translation_cycles.if_all_4k"), event(t, "thplab.translation_cycles.if_all_4k"),
                "the same seed, the same accesses: the same shadow whatever the real mapping");
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        MachineOps m = machine("never", "4M");
        PerfStat before = m.perfStat("p");
        long now = m.now();
        assertThrows(MmUsageException.class, () -> m.access("p", "a", AccessPattern.seq(), 0, false));
        assertThrows(MmUsageException.class, () -> m.access("p", "nope", AccessPattern.seq(), 1, false));
        assertThrows(MmUsageException.class, () -> m.access("q", "a", AccessPattern.seq(), 1, false));
        assertThrows(MmUsageException.class, () -> AccessPattern.parse("zipf=0"));
        assertThrows(MmUsageException.class, () -> AccessPattern.parse("hotset=0.5"));
        assertThrows(MmUsageException.class, () -> AccessPattern.parse("stride=0"));
        assertThrows(MmUsageException.class, () -> AccessPattern.parse("random"));
        assertThrows(MmUsageException.class, () -> m.mmu(new MmuSettings("pentium", false, 4, 1)));
        assertEquals(before, m.perfStat("p"));
        assertEquals(now, m.now());
        assertEquals(MmuSettings.DEFAULT, m.mmu());
    }

    @Test
    void patternsReadBackAsTheyAreWritten() {
        for (String w : List.of("seq", "uniform", "stride=65536", "zipf=0.99", "hotset=0.1:0.9")) {
            assertEquals(w, AccessPattern.parse(w).toString());
        }
        assertEquals(64L << 10, AccessPattern.parse("stride=64K").stride());
    }
}
