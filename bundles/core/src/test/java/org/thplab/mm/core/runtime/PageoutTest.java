package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;

/**
 * MADV_PAGEOUT of THPs without a swap device, as Linux 6.18's madvise_cold_or_pageout_pte_range()
 * and shrink_folio_list() do it: the THPs are split even though nothing can be swapped out.
 * Every figure is what the real kernel showed (scripts/pageout-noswap.mm).
 */
class PageoutTest {

    static final long M = 1L << 20;
    static final long K = 1L << 10;

    private static MachineOps boot() {
        MachineOps mm = Booted.machine(256 * M);
        mm.sysfs("enabled", "madvise");
        mm.spawn("p");
        return mm;
    }

    private static long stat(MachineOps mm, String counter) {
        return mm.vmstat().get(counter);
    }

    private static void thp(MachineOps mm, String r, long written) {
        mm.mmap("p", r, 2 * M);
        assertTrue(mm.madvise("p", r, 0, 2 * M, Advice.HUGEPAGE).ok());
        assertTrue(mm.touch("p", r, 0, written * 4096, true).ok());
    }

    private static void pageout(MachineOps mm, String proc, String r, long off, long len) {
        assertTrue(mm.madvise(proc, r, off, len, Advice.PAGEOUT).ok());
    }

    private static long rss(MachineOps mm, String r) {
        return mm.smaps("p", r).get(0).rssKb();
    }

    private static long anonHuge(MachineOps mm, String r) {
        return mm.smaps("p", r).get(0).anonHugeKb();
    }

    private static void sound(MachineOps mm) {
        for (String proc : mm.processes()) {
            for (var e : mm.smaps(proc, null)) {
                assertEquals(0, mm.verify(proc, e.region()), proc + " " + e.region());
            }
        }
        assertEquals(List.of(), mm.check());
    }

    @Test
    void shrinkFolioListSplitsAWholePmdWhenFolioAllocSwapFails() {
        MachineOps mm = boot();
        thp(mm, "a", 512);
        pageout(mm, "p", "a", 0, 2 * M);
        assertEquals(1, stat(mm, "thp_split_pmd"));
        assertEquals(1, stat(mm, "thp_split_page"));
        assertEquals(1, stat(mm, "thp_swpout_fallback"));
        assertEquals(0, anonHuge(mm, "a"));
        assertEquals(2048, rss(mm, "a"));
        thp(mm, "b", 10);
        pageout(mm, "p", "b", 0, 2 * M);
        assertEquals(2, stat(mm, "thp_swpout_fallback"));
        assertEquals(40, rss(mm, "b")); // the split maps the zero-filled pages to the zero page
        sound(mm);
    }

    @Test
    void madviseColdOrPageoutPteRangeSplitsAPmdTheRangeCoversInPart() {
        MachineOps mm = boot();
        thp(mm, "c", 512);
        pageout(mm, "p", "c", 0, M);
        assertEquals(1, stat(mm, "thp_split_pmd"));
        assertEquals(1, stat(mm, "thp_split_page"));
        assertEquals(0, stat(mm, "thp_swpout_fallback"));
        assertEquals(0, anonHuge(mm, "c"));
        assertEquals(2048, rss(mm, "c"));
        sound(mm);
    }

    @Test
    void folioMaybeMappedSharedIsSkipped() {
        MachineOps mm = boot();
        thp(mm, "e", 512);
        assertTrue(mm.fork("p", "child").ok());
        pageout(mm, "p", "e", 0, 2 * M);
        pageout(mm, "p", "e", 0, M);
        assertEquals(0, stat(mm, "thp_split_page"));
        assertEquals(2048, anonHuge(mm, "e"));
        // The child splits its own PMD and drops a page: the folio is still shared.
        assertTrue(mm.madvise("child", "e", 1200 * K, 4 * K, Advice.DONTNEED).ok());
        pageout(mm, "p", "e", 0, 2 * M);
        assertEquals(0, stat(mm, "thp_split_page"));
        mm.exit("child");
        pageout(mm, "p", "e", 0, 2 * M);
        assertEquals(1, stat(mm, "thp_split_page"));
        assertEquals(1, stat(mm, "thp_swpout_fallback"));
        sound(mm);
    }

    @Test
    void aPteMappedThpTheRangeCoversWholeIsReclaimedWholeAndCountedPartiallyMappedOnItsSplit() {
        MachineOps mm = boot();
        thp(mm, "f", 10);
        assertTrue(mm.madvise("p", "f", 0, M, Advice.NOHUGEPAGE).ok()); // splits VMA and PMD
        assertTrue(mm.madvise("p", "f", 0, M, Advice.HUGEPAGE).ok()); // merges the VMA
        long pmdSplits = stat(mm, "thp_split_pmd");
        pageout(mm, "p", "f", 0, 2 * M);
        assertEquals(pmdSplits, stat(mm, "thp_split_pmd"));
        assertEquals(1, stat(mm, "thp_split_page"));
        assertEquals(1, stat(mm, "thp_deferred_split_page"));
        assertEquals(1, stat(mm, "thp_swpout_fallback"));
        assertEquals(40, rss(mm, "f"));
        sound(mm);
    }

    @Test
    void shrinkFolioListSplitsAPartiallyMappedThpRightAwayWithoutASwapAttempt() {
        MachineOps mm = boot();
        thp(mm, "g", 10);
        assertTrue(mm.madvise("p", "g", 400 * K, 4 * K, Advice.DONTNEED).ok());
        pageout(mm, "p", "g", 0, 2 * M);
        assertEquals(1, stat(mm, "thp_split_page"));
        assertEquals(0, stat(mm, "thp_swpout_fallback"));
        assertEquals(40, rss(mm, "g"));
        sound(mm);
    }

    @Test
    void shrinkFolioListSplitsAPartiallyMappedThpOnTheLruWithoutCountingASwapFallback() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        // A reclaim policy that gives nothing back: the LRU meets the THP, not the shrinker.
        rt.register("reclaim", "nothing", (org.thplab.mm.spi.reclaim.ReclaimPolicy) (ctx, target) -> 0);
        MachineOps mm = rt.defaultMachine().ops();
        mm.sysfs("enabled", "madvise");
        rt.defaultMachine().policyAdmin().usePolicy("reclaim", "nothing");
        mm.boot(64 * M, 64 * M, 0);
        mm.spawn("p");
        thp(mm, "g", 10);
        assertTrue(mm.madvise("p", "g", 400 * K, 4 * K, Advice.DONTNEED).ok());
        mm.spawn("hog");
        mm.mmap("hog", "h", 62 * M);
        assertTrue(mm.madvise("hog", "h", 0, 62 * M, Advice.NOHUGEPAGE).ok());
        for (long off = 0; stat(mm, "thp_split_page") == 0; off += 4096) {
            assertTrue(mm.touch("hog", "h", off, 4096, true).ok());
        }
        assertEquals(0, stat(mm, "thp_swpout_fallback"));
        assertEquals(0, stat(mm, "thp_swpout"));
        sound(mm);
    }
}
