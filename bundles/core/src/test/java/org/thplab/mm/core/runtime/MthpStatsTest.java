package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;

/**
 * hugepages-<size>kB/stats/ (count_mthp_stat() and mod_mthp_stat(), mm/huge_memory.c, 6.8+):
 * for the PMD size the same events as the thp_* counters; nr_anon the PMD-sized anonymous folios
 * however mapped, until split or freed; nr_anon_partially_mapped those flagged
 * PG_partially_mapped. Checked on 6.18 with scripts/kdiff/mthp-stats-2048k.mm.
 */
class MthpStatsTest {
    static final long M = 1L << 20;

    private static long stat(MachineOps mm, String name) {
        return Long.parseLong(mm.tunables().read("hugepages-2048kB/stats/" + name));
    }

    @Test
    void thePmdSizeStatsFollowTheFolios() {
        MachineOps mm = Booted.machine(256 * M);
        mm.spawn("p");
        mm.mmap("p", "r", 8 * M);
        mm.touch("p", "r", 0, 8 * M, true);
        assertEquals(4, stat(mm, "anon_fault_alloc"));
        assertEquals(4, stat(mm, "nr_anon"));
        mm.madvise("p", "r", 0, 4096, Advice.DONTNEED); // PTE-mapped now, still a folio
        assertEquals(4, stat(mm, "nr_anon"));
        assertEquals(1, stat(mm, "nr_anon_partially_mapped"));
        assertEquals(1, stat(mm, "split_deferred"));
        mm.madvise("p", "r", 2 * M, 2 * M, Advice.PAGEOUT); // no swap: split
        assertEquals(1, stat(mm, "split"));
        assertEquals(1, stat(mm, "swpout_fallback"));
        assertEquals(3, stat(mm, "nr_anon"));
        mm.munmap("p", "r", 4 * M, 4 * M);
        assertEquals(1, stat(mm, "nr_anon"));
        assertEquals(1, stat(mm, "nr_anon_partially_mapped"));
        assertEquals("0", mm.tunables().read("hugepages-64kB/stats/nr_anon"));
        assertNull(mm.tunables().read("hugepages-2048kB/stats/no_such_file"));
        assertEquals(List.of(), mm.check());
    }
}
