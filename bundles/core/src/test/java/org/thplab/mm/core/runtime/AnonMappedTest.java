package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;

/**
 * AnonPages (NR_ANON_MAPPED, vmstat nr_anon_pages) counts the anonymous pages something maps,
 * as __folio_add_rmap() and __folio_remove_rmap() count it with CONFIG_PAGE_MAPCOUNT: the pages a
 * partial unmap takes out of a large folio leave it at once, though they stay allocated until the
 * deferred split; pages a PMD still maps stay in it. Each expected value was measured on Linux
 * 6.18 (CONFIG_PAGE_MAPCOUNT=y) with the same operations on 128 folios and /proc/meminfo's delta
 * (docs/model.md, "AnonPages").
 */
class AnonMappedTest {
    static final long K = 1L << 10;
    static final long M = 1L << 20;

    /**
     * A 256 MiB machine where p has written all of region r ({@code size}): with THPs at the fault
     * ({@code mthp} false) or with 64 kB mTHPs only ({@code fault-mthp}, enabled=never).
     */
    private static MachineOps written(boolean mthp, long size) {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        if (mthp) {
            rt.defaultMachine().policyAdmin().usePolicy("fault", "mthp");
        }
        MachineOps mm = rt.defaultMachine().ops();
        mm.boot(256 * M, 0, 0);
        mm.sysfs("enabled", mthp ? "never" : "always");
        if (mthp) {
            mm.sysfs("hugepages-64kB/enabled", "always");
        }
        mm.spawn("p");
        mm.mmap("p", "r", size);
        mm.touch("p", "r", 0, size, true);
        assertEquals(size / K, anonKb(mm));
        return mm;
    }

    private static long anonKb(MachineOps mm) {
        long kb = mm.meminfo().get("AnonPages");
        assertEquals(kb / 4, mm.vmstat().get("nr_anon_pages"), "nr_anon_pages is AnonPages in pages");
        return kb;
    }

    /** MADV_DONTNEED of the first {@code len} bytes of every {@code step} of p's region r of {@code size}. */
    private static void dontneedEach(MachineOps mm, long size, long step, long len) {
        for (long o = 0; o < size; o += step) {
            assertEquals(true, mm.madvise("p", "r", o, len, Advice.DONTNEED).ok());
        }
    }

    private static void sound(MachineOps mm) {
        assertEquals(List.of(), mm.check());
    }

    @Test
    void partialZapOfAThpTakesItsPagesOut() {
        MachineOps mm = written(false, 8 * M);
        // The kernel: -8 kB per THP of which MADV_DONTNEED zapped 8 kB (the PMD split first).
        dontneedEach(mm, 8 * M, 2 * M, 8 * K);
        assertEquals(8192 - 4 * 8, anonKb(mm));
        assertEquals(0, mm.meminfo().get("AnonHugePages"), "every PMD was split");
        sound(mm);
    }

    @Test
    void partialZapOfAnMthpTakesItsPagesOut() {
        MachineOps mm = written(true, 2 * M);
        // The kernel: -8 kB per 64 kB folio, though every folio stays whole (split_deferred).
        dontneedEach(mm, 2 * M, 64 * K, 8 * K);
        assertEquals(2048 - 32 * 8, anonKb(mm));
        assertEquals("32", mm.tunables().read("hugepages-64kB/stats/nr_anon").strip());
        dontneedEach(mm, 2 * M, 64 * K, 64 * K);
        assertEquals(0, anonKb(mm));
        sound(mm);
    }

    @Test
    void pagesAPmdStillMapsStayAfterFork() {
        MachineOps mm = written(false, 8 * M);
        assertEquals(4, mm.meminfo().get("AnonHugePages") / 2048);
        mm.fork("p", "c");
        // The child unmaps the first half of each THP: the parent's PMDs still map every page.
        for (long o = 0; o < 8 * M; o += 2 * M) {
            mm.munmap("c", "r", o, M);
        }
        assertEquals(8192, anonKb(mm));
        // The parent unmaps the second halves: the child's PTEs map them, its own PTEs the first.
        for (long o = M; o < 8 * M; o += 2 * M) {
            mm.munmap("p", "r", o, M);
        }
        assertEquals(8192, anonKb(mm));
        sound(mm);
        // The child's exit unmaps the second halves: nothing maps them now (the kernel: -half).
        mm.exit("c");
        assertEquals(4096, anonKb(mm));
        sound(mm);
    }
}
