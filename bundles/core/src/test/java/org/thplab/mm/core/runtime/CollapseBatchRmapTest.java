package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;

/**
 * A copy collapse removes the old PTEs of one large folio in a batch
 * (__collapse_huge_page_copy_succeeded() with folio_pte_batch() and folio_remove_rmap_ptes(),
 * mm/khugepaged.c of 6.18): a THP this mm maps whole by PTEs is never partially mapped on the way
 * and so never counted by thp_deferred_split_page. Checked on 6.18 with
 * scripts/kdiff/collapse-pte-mapped-thp-whole.mm.
 */
class CollapseBatchRmapTest {
    static final long K = 1L << 10;
    static final long M = 1L << 20;

    @Test
    void collapsingAPteMappedThpCountsNoDeferredSplit() {
        MachineOps mm = Booted.machine(256 * M);
        mm.spawn("p");
        mm.mmap("p", "r", 2 * M);
        mm.touch("p", "r", 0, 2 * M, true);
        mm.madvise("p", "r", 1324 * K, 536 * K, Advice.NOHUGEPAGE); // PMD split: PTE-mapped, whole
        mm.madvise("p", "r", 0, 2 * M, Advice.HUGEPAGE); // one VMA again
        assertEquals(true, mm.madvise("p", "r", 0, 2 * M, Advice.COLLAPSE).ok());
        assertEquals(1, mm.vmstat().get("thp_collapse_alloc"));
        assertEquals(0, mm.vmstat().get("thp_deferred_split_page"));
        assertEquals(2048, mm.smaps("p", "r").get(0).anonHugeKb());
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "r"));
    }
}
