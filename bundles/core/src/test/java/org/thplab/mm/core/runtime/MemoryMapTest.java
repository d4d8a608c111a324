package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.FrameRange;
import org.thplab.mm.api.FrameState;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MemoryMap;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.RegionCoverage;
import org.thplab.mm.api.SimulatedMachine;

/**
 * The memory map, a range's frames and a region's coverage (MemoryMaps), against what the kernel's
 * own counters say of the same machine: a THP fault's folio is PMD-mapped
 * (do_huge_pmd_anonymous_page()), MADV_DONTNEED of one of its pages splits the PMD and leaves
 * it partially mapped on the deferred split queue (__folio_remove_rmap(), deferred_split_folio()),
 * the free frames are the buddy's, a fork's pages are its family's.
 */
class MemoryMapTest {
    static final long K = 1L << 10;
    static final long M = 1L << 20;

    private static long sum(long[] a) {
        return Arrays.stream(a).sum();
    }

    private static long freeFrames(MemoryMap map) {
        long n = 0;
        for (FrameState s : FrameState.values()) {
            n += s.free() ? map.count(s) : 0;
        }
        return n;
    }

    @Test
    void aFreshMachineIsItsKernelBlockAndTheBuddysFreeBlocks() {
        MachineOps mm = Booted.machine(64 * M);
        MemoryMap map = mm.memoryMap(1 << 20);
        assertEquals(16384, map.frames());
        assertEquals(1, map.framesPerPixel());
        assertEquals(16384, map.pixels().length);
        assertEquals(map.frames(), sum(map.counts()));
        assertEquals(511, map.count(FrameState.KERNEL));
        assertEquals(1, map.count(FrameState.ZERO));
        assertEquals(mm.meminfo().get("MemFree") / 4, freeFrames(map));
        // the buddy's free blocks by order, as /proc/buddyinfo counts them
        long[] buddy = mm.buddyinfo().values().stream().reduce(new long[11], MemoryMapTest::add);
        for (int o = 0; o <= 10; o++) {
            assertEquals(buddy[o] << o, map.count(FrameState.free(o)), "order " + o);
        }
        assertEquals(32, map.migratetypes().length);
        assertEquals(0, map.migratetypes()[0], "the kernel's pageblock is unmovable");
        assertEquals(1, map.migratetypes()[1]);
    }

    private static long[] add(long[] a, long[] b) {
        long[] s = a.clone();
        for (int i = 0; i < Math.min(s.length, b.length); i++) {
            s[i] += b[i];
        }
        return s;
    }

    @Test
    void theFewestFramesToAPixelThatFitAndEveryPixelIsItsMostCommonState() {
        MachineOps mm = Booted.machine(64 * M);
        mm.sysfs("enabled", "never");
        mm.spawn("p");
        mm.mmap("p", "a", 4 * M);
        mm.touch("p", "a", 0, 1200 * K, true); // 300 base pages
        MemoryMap fine = mm.memoryMap(16384);
        MemoryMap coarse = mm.memoryMap(100);
        assertEquals(256, coarse.framesPerPixel(), "16384 frames in at most 100 pixels: 256 to a pixel (64 pixels)");
        assertEquals(64, coarse.pixels().length);
        assertArrayEquals(fine.counts(), coarse.counts());
        for (int px = 0; px < coarse.pixels().length; px++) {
            int[] n = new int[FrameState.values().length];
            for (int i = px * 256; i < px * 256 + 256; i++) {
                n[fine.pixels()[i]]++;
            }
            int best = 0;
            for (int s = 1; s < n.length; s++) {
                best = n[s] > n[best] ? s : best;
            }
            assertEquals(best, coarse.pixels()[px], "pixel " + px);
        }
        assertEquals(300, fine.count(FrameState.ANON));
        assertTrue(fine.count(FrameState.PAGE_TABLE) >= 1);
        assertThrows(MmUsageException.class, () -> mm.memoryMap(0));
    }

    @Test
    void aThpFaultIsPmdMappedAndADontneedOfOnePageLeavesItPartiallyMapped() {
        MachineOps mm = Booted.machine(64 * M, "-khugepaged");
        mm.sysfs("enabled", "always");
        mm.spawn("p");
        mm.mmap("p", "a", 4 * M);
        mm.touch("p", "a", 0, 4 * M, true);
        MemoryMap map = mm.memoryMap(1 << 20);
        assertEquals(mm.smaps("p", "a").get(0).anonHugeKb() / 4, map.count(FrameState.THP_PMD));
        assertEquals(1024, map.thpFrames());
        assertTrue(mm.madvise("p", "a", 8 * K, 4 * K, Advice.DONTNEED).ok());
        map = mm.memoryMap(1 << 20);
        assertEquals(1, mm.vmstat().get("thp_deferred_split_page"));
        assertEquals(512, map.count(FrameState.THP_PARTIAL), "the whole folio, its unmapped page too");
        assertEquals(512, map.count(FrameState.THP_PMD));
        for (int p = 0; p < map.frames(); p++) {
            FrameRange one = mm.frames(p, 1);
            assertEquals(Map.of(FrameState.values()[map.pixels()[p]].label(), 1L), one.states(), "frame " + p);
        }
    }

    @Test
    void aForksPagesNameBothProcessesAndAReservationShowsItsUnusedPages() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        SimulatedMachine sm = rt.defaultMachine();
        sm.policyAdmin().usePolicy("fault", "reservation");
        sm.policyAdmin().usePolicy("promotion", "-reservation"); // no promotion: the block stays reserved
        sm.policyAdmin().usePolicy("promotion", "-khugepaged");
        MachineOps mm = sm.ops();
        mm.boot(64 * M, 0, 0);
        mm.spawn("p");
        mm.mmap("p", "a", 2 * M);
        mm.touch("p", "a", 0, 4 * K, true);
        MemoryMap map = mm.memoryMap(1 << 20);
        assertEquals(1, map.count(FrameState.RESERVED_USED));
        assertEquals(511, map.count(FrameState.RESERVED_FREE));
        List<RegionCoverage> cov = mm.coverage("p", 8);
        assertEquals(1, cov.get(0).reservations());
        assertEquals(4, cov.get(0).rssKb());
        mm.fork("p", "c");
        FrameRange all = mm.frames(0, (int) map.frames());
        assertEquals(Map.of("p, c", 1L), all.owners());
        long unmovable = 0;
        for (byte mt : mm.memoryMap(1).migratetypes()) {
            unmovable += mt == 0 ? 1 : 0;
        }
        assertTrue(unmovable >= 1, "the kernel's block, and those page tables took");
        assertEquals(Map.of("Unmovable", unmovable, "Movable", 32 - unmovable), all.migratetypes());
        assertThrows(MmUsageException.class, () -> mm.frames(16000, 1000));
    }

    @Test
    void coverageShowsTheHugeAndTheBasePagesAlongARegion() {
        MachineOps mm = Booted.machine(64 * M, "-khugepaged");
        mm.sysfs("enabled", "always");
        mm.spawn("p");
        mm.mmap("p", "a", 8 * M);
        mm.touch("p", "a", 0, 2 * M, true);
        mm.sysfs("enabled", "never");
        mm.touch("p", "a", 4 * M, 1 * M, true);
        RegionCoverage c = mm.coverage("p", 4).get(0);
        assertEquals("a", c.region());
        assertEquals(8 * M, c.size());
        assertEquals(mm.smaps("p", "a").get(0).rssKb(), c.rssKb());
        assertEquals(2048, c.anonHugeKb());
        assertArrayEquals(new byte[] {100, 0, 0, 0}, c.huge());
        assertArrayEquals(new byte[] {0, 0, 50, 0}, c.base());
        assertEquals(2, mm.coverage("p", 2).get(0).huge().length);
        assertThrows(MmUsageException.class, () -> mm.coverage("nobody", 4));
    }

    @Test
    void aWatcherRunsWhenPolledAndNoMoreOnceClosed() {
        MmRuntime rt = new MmRuntime();
        SimulatedMachine sm = rt.defaultMachine();
        AtomicInteger runs = new AtomicInteger();
        SimulatedMachine.Watch w = sm.watch(1, runs::incrementAndGet);
        w.poll();
        assertEquals(1, runs.get());
        w.poll(); // within its interval: not again (a 1 ms interval may have passed, then it runs)
        assertTrue(runs.get() <= 2);
        w.close();
        int before = runs.get();
        w.poll();
        assertEquals(before, runs.get());
        assertThrows(MmUsageException.class, () -> sm.watch(0, runs::incrementAndGet));
    }
}
