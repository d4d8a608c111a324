package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;

/**
 * Deferred split as Linux 6.12-6.18 does it (mm/rmap.c __folio_remove_rmap(), mm/huge_memory.c
 * deferred_split_folio(), deferred_split_scan(), thp_underused(), remap_page() with
 * RMP_USE_SHARED_ZEROPAGE; mm/memory.c zap_present_ptes()). Every figure is what Linux 6.18
 * showed on x86_64 for the same steps (scripts/deferred-split.mm, scripts/underused-shrinker.mm).
 */
class DeferredSplitTest {

    static final long M = 1L << 20;
    static final long K = 1L << 10;

    private static MachineOps boot() {
        MachineOps mm = Booted.machine(64 * M);
        mm.sysfs("enabled", "always");
        mm.spawn("p");
        return mm;
    }

    private static long stat(MachineOps mm, String counter) {
        return mm.vmstat().get(counter);
    }

    private static long rss(MachineOps mm, String region) {
        return mm.smaps("p", region).stream().mapToLong(e -> e.rssKb()).sum();
    }

    /** A THP in region {@code r} of p with the first {@code written} pages written. */
    private static void thp(MachineOps mm, String r, long written) {
        mm.mmap("p", r, 2 * M);
        assertTrue(mm.madvise("p", r, 0, 2 * M, Advice.HUGEPAGE).ok());
        assertTrue(mm.touch("p", r, 0, written * 4096, true).ok());
    }

    /** A PTE-mapped THP in one VMA: MADV_NOHUGEPAGE on half splits VMA and PMD, MADV_HUGEPAGE merges the VMA. */
    private static void pteMappedThp(MachineOps mm, String proc, String r) {
        mm.mmap(proc, r, 2 * M);
        assertTrue(mm.madvise(proc, r, 0, 2 * M, Advice.HUGEPAGE).ok());
        assertTrue(mm.touch(proc, r, 0, 2 * M, true).ok());
        assertTrue(mm.madvise(proc, r, 0, M, Advice.NOHUGEPAGE).ok());
        assertTrue(mm.madvise(proc, r, 0, M, Advice.HUGEPAGE).ok());
        assertEquals(1, mm.smaps(proc, r).size());
        assertEquals(0, mm.smaps(proc, r).get(0).anonHugeKb());
    }

    /** Memory pressure: a process fills memory with base pages until kswapd has run once more. */
    private static void pressure(MachineOps mm) {
        long runs = stat(mm, "pageoutrun");
        mm.spawn("hog");
        mm.mmap("hog", "h", 62 * M);
        assertTrue(mm.madvise("hog", "h", 0, 62 * M, Advice.NOHUGEPAGE).ok());
        for (long off = 0; stat(mm, "pageoutrun") == runs; off += 4096) {
            assertTrue(mm.touch("hog", "h", off, 4096, true).ok());
        }
        mm.exit("hog");
    }

    private static void sound(MachineOps mm) {
        for (var e : mm.smaps("p", null)) {
            assertEquals(0, mm.verify("p", e.region()), e.region());
        }
        assertEquals(List.of(), mm.check());
    }

    @Test
    void deferredSplitFolioQueuesEveryNewThpAndCountsTheFirstPartialUnmapOnly() {
        MachineOps mm = boot();
        thp(mm, "a", 512);
        assertEquals(0, stat(mm, "thp_deferred_split_page"));
        assertEquals(1, stat(mm, "nr_thp_deferred_split")); // queued, uncounted
        assertTrue(mm.madvise("p", "a", 20 * K, 4 * K, Advice.DONTNEED).ok());
        assertEquals(1, stat(mm, "thp_split_pmd"));
        assertEquals(1, stat(mm, "thp_deferred_split_page"));
        assertEquals(2044, rss(mm, "a"));
        assertTrue(mm.madvise("p", "a", 36 * K, 4 * K, Advice.DONTNEED).ok());
        assertEquals(1, stat(mm, "thp_deferred_split_page")); // PG_partially_mapped already
        thp(mm, "d", 512);
        mm.munmap("p", "d", M, M);
        assertEquals(2, stat(mm, "thp_split_pmd"));
        assertEquals(2, stat(mm, "thp_deferred_split_page"));
        assertEquals(1024, rss(mm, "d"));
        sound(mm);
    }

    @Test
    void zapPresentPtesFreesAThpOneVmaMapsByPtesWithoutCountingIt() {
        MachineOps mm = boot();
        pteMappedThp(mm, "p", "e");
        mm.munmap("p", "e", 0, 2 * M);
        assertEquals(0, stat(mm, "thp_deferred_split_page"));
        // Two VMAs: unmap_vmas() zaps one after the other, partially mapped in between.
        mm.mmap("p", "f", 2 * M);
        assertTrue(mm.madvise("p", "f", 0, 2 * M, Advice.HUGEPAGE).ok());
        assertTrue(mm.touch("p", "f", 0, 2 * M, true).ok());
        assertTrue(mm.madvise("p", "f", 0, M, Advice.NOHUGEPAGE).ok());
        mm.munmap("p", "f", 0, 2 * M);
        assertEquals(1, stat(mm, "thp_deferred_split_page"));
        // exit_mmap() zaps a PTE-mapped THP of one VMA in one batch too.
        mm.spawn("c");
        pteMappedThp(mm, "c", "h");
        mm.exit("c");
        assertEquals(1, stat(mm, "thp_deferred_split_page"));
        assertEquals(List.of(), mm.check());
    }

    @Test
    void thpUnderusedSplitsUnderPressureOnlyBelowMaxPtesNone511() {
        MachineOps mm = boot();
        thp(mm, "u1", 10);
        pressure(mm); // max_ptes_none 511: not underused, off the queue
        assertEquals(0, stat(mm, "thp_underused_split_page"));
        assertEquals(0, stat(mm, "nr_thp_deferred_split"));
        mm.sysfs("khugepaged/max_ptes_none", "255");
        thp(mm, "u2", 10);
        thp(mm, "u3", 300);
        pressure(mm);
        assertEquals(1, stat(mm, "thp_underused_split_page"));
        assertEquals(1, stat(mm, "thp_split_page"));
        assertEquals(1, stat(mm, "thp_split_pmd"));
        assertEquals(2048, rss(mm, "u1")); // not looked at again
        assertEquals(40, rss(mm, "u2")); // 502 zero-filled subpages now map the zero page
        assertEquals(2048, rss(mm, "u3")); // 212 zero-filled pages are not more than 255
        mm.sysfs("khugepaged/max_ptes_none", "100");
        pressure(mm);
        assertEquals(2048, rss(mm, "u3"));
        assertEquals(1, stat(mm, "thp_underused_split_page"));
        sound(mm);
    }

    @Test
    void deferredSplitScanSplitsAPartiallyMappedThpAndMapsItsZeroFilledPagesToTheZeroPage() {
        MachineOps mm = boot();
        thp(mm, "p1", 10);
        assertTrue(mm.madvise("p", "p1", 400 * K, 4 * K, Advice.DONTNEED).ok());
        assertEquals(2044, rss(mm, "p1"));
        pressure(mm);
        assertEquals(1, stat(mm, "thp_split_page"));
        assertEquals(1, stat(mm, "thp_split_pmd"));
        assertEquals(0, stat(mm, "thp_underused_split_page"));
        assertEquals(40, rss(mm, "p1"));
        sound(mm);
    }
}
