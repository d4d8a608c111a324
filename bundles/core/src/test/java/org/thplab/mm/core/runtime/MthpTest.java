package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;

/**
 * Multi-size THPs (Linux 6.8) through fault-mthp and the mechanisms that meet them afterwards:
 * alloc_anon_folio() at the fault, do_wp_page() after fork (copy while shared, reuse once the
 * mm slots say exclusive, __wp_can_reuse_large_anon_folio()), a partial MADV_DONTNEED
 * (deferred_split_folio(): PG_partially_mapped, split_deferred), MADV_PAGEOUT without swap
 * (split_folio() with RMP_USE_SHARED_ZEROPAGE, swpout_fallback) and MADV_COLLAPSE over mTHPs
 * (collapse_huge_page() frees them). Each checked against scripts/kdiff/mthp-*.mm on 6.18 where
 * kdiff can observe it.
 */
class MthpTest {
    static final long K = 1L << 10;
    static final long M = 1L << 20;
    private MachineOps mm;

    @BeforeEach
    void boot() {
        boot(256 * M);
    }

    /** A machine of {@code bytes} with enabled=never and hugepages-64kB always; p maps 2 MiB, r. */
    private void boot(long bytes) {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        rt.defaultMachine().policyAdmin().usePolicy("fault", "mthp");
        mm = rt.defaultMachine().ops();
        mm.boot(bytes, 0, 0);
        mm.sysfs("enabled", "never");
        mm.sysfs("hugepages-64kB/enabled", "always");
        mm.spawn("p");
        mm.mmap("p", "r", 2 * M);
    }

    private long rssKb(String proc) {
        return mm.smaps(proc, "r").get(0).rssKb();
    }

    private long stat(String name) {
        return Long.parseLong(mm.tunables().read("hugepages-64kB/stats/" + name).strip());
    }

    private void sound() {
        assertEquals(List.of(), mm.check());
        for (String p : mm.processes()) {
            assertEquals(0, mm.verify(p, "r"), p);
        }
    }

    @Test
    void aWriteMapsTheAligned64kFolioAroundItAndAReadTheZeroPage() {
        mm.touch("p", "r", 12 * K, 4 * K, true);
        assertEquals(64, rssKb("p"));
        assertEquals(0, mm.smaps("p", "r").get(0).anonHugeKb());
        assertTrue(mm.smaps("p", "r").get(0).thpEligible()); // THPeligible counts every size
        mm.touch("p", "r", M, 4 * K, false);
        assertEquals(64, rssKb("p"));
        assertEquals(1, stat("anon_fault_alloc"));
        assertEquals(1, stat("nr_anon"));
        assertEquals(0, mm.vmstat().get("thp_fault_alloc"));
        assertEquals(2, mm.vmstat().get("pgfault")); // the write and the read
        sound();
    }

    @Test
    void afterForkAWriteCopiesAndOnceTheChildIsGoneTheFolioIsReused() {
        mm.touch("p", "r", 0, 64 * K, true);
        mm.fork("p", "c");
        long free = mm.meminfo().get("MemFree");
        mm.touch("c", "r", 0, 4 * K, true);
        assertEquals(free - 4, mm.meminfo().get("MemFree")); // the child's copy of one page
        mm.exit("c");
        free = mm.meminfo().get("MemFree");
        mm.touch("p", "r", 0, 64 * K, true); // read-only since fork; this mm alone maps it now
        assertEquals(free, mm.meminfo().get("MemFree"));
        assertEquals(0, stat("split_deferred"));
        sound();
    }

    /**
     * zap_present_ptes() takes the PTEs of one folio in one batch (folio_pte_batch()), so a folio
     * unmapped whole never passes through partially mapped: Linux 6.18 counts no split_deferred
     * for 1024 64 kB folios munmapped, MADV_DONTNEED'd or torn down by exit (thplab zapped mTHPs
     * one PTE at a time and counted 1024 each).
     */
    @Test
    void aWholeUnmapCountsNoDeferredSplit() {
        mm.touch("p", "r", 0, 2 * M, true);
        assertEquals(32, stat("nr_anon"));
        mm.madvise("p", "r", 0, M, Advice.DONTNEED);
        mm.munmap("p", "r", M, 512 * K);
        assertEquals(32 - 16 - 8, stat("nr_anon"));
        mm.exit("p");
        assertEquals(0, stat("nr_anon"));
        assertEquals(0, stat("split_deferred"));
        assertEquals(0, stat("nr_anon_partially_mapped"));
        assertEquals(0, mm.vmstat().get("nr_thp_deferred_split"));
        assertEquals(List.of(), mm.check());
    }

    @Test
    void aPartialDontneedLeavesItPartiallyMapped() {
        mm.touch("p", "r", 0, 64 * K, true);
        mm.madvise("p", "r", 0, 16 * K, Advice.DONTNEED);
        assertEquals(48, rssKb("p"));
        assertEquals(1, stat("split_deferred"));
        assertEquals(1, stat("nr_anon_partially_mapped"));
        assertEquals(1, mm.vmstat().get("nr_thp_deferred_split")); // queued for the shrinker
        mm.madvise("p", "r", 16 * K, 16 * K, Advice.DONTNEED); // flagged and queued once
        assertEquals(1, stat("split_deferred"));
        assertEquals(1, mm.vmstat().get("nr_thp_deferred_split"));
        mm.munmap("p", "r", 0, 64 * K);
        assertEquals(0, stat("nr_anon"));
        assertEquals(0, stat("nr_anon_partially_mapped"));
        assertEquals(0, mm.vmstat().get("nr_thp_deferred_split"));
        sound();
    }

    @Test
    void pageoutWithoutSwapSplitsAndMapsTheZeroFilledPagesToTheZeroPage() {
        mm.touch("p", "r", 0, 4 * K, true);
        assertTrue(mm.madvise("p", "r", 0, 64 * K, Advice.PAGEOUT).ok());
        assertEquals(4, rssKb("p"));
        assertEquals(1, stat("split"));
        assertEquals(1, stat("swpout_fallback"));
        assertEquals(0, stat("nr_anon"));
        sound();
    }

    @Test
    void madvCollapseCopiesMthpsIntoOneThpAndFreesThem() {
        mm.touch("p", "r", 0, 2 * M, true); // 32 mTHPs
        assertEquals(32, stat("nr_anon"));
        long free = mm.meminfo().get("MemFree");
        assertTrue(mm.madvise("p", "r", 0, 2 * M, Advice.COLLAPSE).ok());
        assertEquals(2048, mm.smaps("p", "r").get(0).anonHugeKb());
        assertEquals(0, stat("nr_anon"));
        assertEquals(free, mm.meminfo().get("MemFree")); // 2 MiB taken, 32 x 64 kB given back
        sound();
    }

    /**
     * deferred_split_scan() under memory pressure takes a partially mapped mTHP off the queue
     * and splits it (split_folio(): its unmapped pages freed, the zero-filled ones it still maps
     * remapped to the zero page), in queue order with the PMD-sized folios.
     */
    @Test
    void theShrinkerSplitsAPartiallyMappedMthpUnderPressure() {
        boot(64 * M);
        mm.touch("p", "r", 0, 8 * K, true); // one 64 kB folio, two pages written
        mm.madvise("p", "r", 0, 4 * K, Advice.DONTNEED);
        assertEquals(60, rssKb("p"));
        assertEquals(1, mm.vmstat().get("nr_thp_deferred_split"));
        long runs = mm.vmstat().get("pageoutrun");
        mm.spawn("hog");
        mm.mmap("hog", "h", 62 * M);
        for (long off = 0; mm.vmstat().get("pageoutrun") == runs; off += 4096) {
            assertTrue(mm.touch("hog", "h", off, 4096, true).ok());
        }
        mm.exit("hog");
        assertEquals(1, stat("split"));
        assertEquals(0, stat("nr_anon"));
        assertEquals(0, mm.vmstat().get("nr_thp_deferred_split"));
        assertEquals(4, rssKb("p")); // the written page; the other 14 zero-filled ones map the zero page
        sound();
    }
}
