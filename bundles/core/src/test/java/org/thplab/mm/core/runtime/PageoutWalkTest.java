package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.MachineOps;

/**
 * MADV_PAGEOUT walks VMA by VMA (madvise_walk_vmas(), mm/madvise.c) into
 * madvise_cold_or_pageout_pte_range(): a PTE-mapped THP that two VMAs map is never covered whole
 * by one walk, so it is split at once (thp_split_page) without a swap-out fallback; and a range
 * over a hole pages out the parts that are mapped before it answers ENOMEM. Checked on 6.18
 * (no swap device) with scripts/kdiff/pageout-thp-two-vmas.mm.
 */
class PageoutWalkTest {
    static final long M = 1L << 20;

    @Test
    void aThpOfTwoVmasIsSplitAndAHoleStillPagesOutTheRest() {
        MachineOps mm = Booted.machine(256 * M);
        mm.spawn("p");
        mm.mmap("p", "r", 6 * M);
        mm.touch("p", "r", 0, 6 * M, true); // three THPs
        mm.madvise("p", "r", 3 * M, M, Advice.NOHUGEPAGE); // the second one PTE-mapped by two VMAs
        assertEquals(true, mm.madvise("p", "r", 2 * M, 2 * M, Advice.PAGEOUT).ok());
        assertEquals(1, mm.vmstat().get("thp_split_page"));
        assertEquals(0, mm.vmstat().get("thp_swpout_fallback"));
        mm.munmap("p", "r", 4 * M, M); // the third one partially mapped
        assertEquals(Errno.ENOMEM, mm.madvise("p", "r", 0, 6 * M, Advice.PAGEOUT).errno());
        assertEquals(0, mm.smaps("p", "r").stream().mapToLong(e -> e.anonHugeKb()).sum());
        assertEquals(3, mm.vmstat().get("thp_split_page"));
        assertEquals(1, mm.vmstat().get("thp_swpout_fallback")); // the first, covered whole
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "r"));
    }
}
