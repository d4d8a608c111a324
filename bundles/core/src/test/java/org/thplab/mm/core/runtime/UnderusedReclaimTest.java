package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.policy.reclaimunderused.UnderusedShrinker;

/**
 * The underused reclaim policy in the core: under pressure, deferred_split_scan() splits a THP
 * whose zero-filled subpages are more than the policy's own max_ptes_none (thp_underused()'s loop,
 * Linux 6.12), maps them to the shared zero page and frees them, counting
 * thp_underused_split_page, thp_split_page and thp_split_pmd once each, whatever
 * {@code khugepaged/max_ptes_none} says. The figures are the kernel's for the same THPs judged at
 * that threshold (DeferredSplitTest and scripts/underused-shrinker.mm have Linux 6.18's at
 * max_ptes_none 255: Rss 2048 to 40 kB for 10 written pages, 300 written not split).
 */
class UnderusedReclaimTest {
    static final long M = 1L << 20;

    /** A 64 MiB machine with the bundled policies, reclaim {@code reclaim}, enabled=always, process p. */
    private static MachineOps boot(String reclaim) {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        rt.register("reclaim", "underused-255", new UnderusedShrinker(255));
        rt.defaultMachine().policyAdmin().usePolicy("reclaim", reclaim);
        MachineOps mm = rt.defaultMachine().ops();
        mm.boot(64 * M, 0, 0);
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

    private static long anonHuge(MachineOps mm, String region) {
        return mm.smaps("p", region).stream().mapToLong(e -> e.anonHugeKb()).sum();
    }

    /** A THP in region {@code r} of p with the first {@code written} pages written (0: a read fault). */
    private static void thp(MachineOps mm, String r, long written) {
        mm.mmap("p", r, 2 * M);
        assertTrue(mm.madvise("p", r, 0, 2 * M, Advice.HUGEPAGE).ok());
        assertTrue(written == 0 ? mm.touch("p", r, 0, 4096, false).ok() : mm.touch("p", r, 0, written * 4096, true).ok());
        assertEquals(2048, anonHuge(mm, r));
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
    void aMostlyZeroThpIsSplitAndItsZeroPagesFreedAtTheThresholdOfThePolicy() {
        MachineOps mm = boot("underused-255");
        assertEquals(511, mm.tunables().number("khugepaged/max_ptes_none"));
        thp(mm, "u2", 10); // 502 zero-filled subpages: more than 255
        thp(mm, "u3", 300); // 212: not more than 255
        long anonBefore = stat(mm, "nr_anon_pages");
        pressure(mm);
        assertEquals(1, stat(mm, "thp_underused_split_page"));
        assertEquals(1, stat(mm, "thp_split_page"));
        assertEquals(1, stat(mm, "thp_split_pmd"));
        assertEquals(40, rss(mm, "u2")); // the 502 zero-filled subpages map the zero page, freed
        assertEquals(0, anonHuge(mm, "u2"));
        assertEquals(2048, rss(mm, "u3"));
        assertEquals(2048, anonHuge(mm, "u3"));
        assertEquals(anonBefore - 502, stat(mm, "nr_anon_pages"));
        assertEquals(1, stat(mm, "nr_anon_transparent_hugepages"));
        sound(mm);
    }

    @Test
    void theDefaultLruShrinkerKeepsTheSameThpAtMaxPtesNone511() {
        MachineOps mm = boot("lru-shrinker");
        thp(mm, "u2", 10);
        pressure(mm);
        assertEquals(0, stat(mm, "thp_underused_split_page"));
        assertEquals(2048, rss(mm, "u2"));
        sound(mm);
    }

    @Test
    void atItsDefault511OnlyAnAllZeroThpIsUnderused() {
        MachineOps mm = boot("underused");
        mm.sysfs("use_zero_page", "0"); // a read fault maps a new, zero-filled THP
        thp(mm, "z", 0); // 512 zero-filled subpages: more than 511
        thp(mm, "u1", 1); // 511: not more than 511
        pressure(mm);
        assertEquals(1, stat(mm, "thp_underused_split_page"));
        assertEquals(0, rss(mm, "z")); // every subpage maps the zero page; all 512 freed
        assertEquals(2048, rss(mm, "u1"));
        sound(mm);
    }
}
