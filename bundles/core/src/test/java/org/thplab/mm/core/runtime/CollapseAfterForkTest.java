package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;

/**
 * Collapse of pages shared with a fork, as Linux 6.18 does it (mm/khugepaged.c):
 * hpage_collapse_scan_pmd() and __collapse_huge_page_isolate() no longer require a writable PTE
 * (no SCAN_PAGE_RO), so the parent's pages that fork write-protected collapse; a page counts as
 * shared by folio_maybe_mapped_shared(); max_ptes_shared and the referenced check are
 * khugepaged's (cc->is_khugepaged). Every expected value is what a 6.18 kernel did for the same
 * steps (docs/khugepaged.md).
 */
class CollapseAfterForkTest {
    static final long M = 1L << 20;

    private MachineOps mm;

    @BeforeEach
    void boot() {
        mm = Booted.machine(256 * M);
        mm.sysfs("enabled", "madvise");
        mm.sysfs("khugepaged/scan_sleep_millisecs", "10");
        mm.spawn("p");
    }

    private long anonHugeKb(String proc) {
        return mm.smaps(proc, "a").stream().mapToLong(e -> e.anonHugeKb()).sum();
    }

    private long rssKb(String proc) {
        return mm.smaps(proc, "a").stream().mapToLong(e -> e.rssKb()).sum();
    }

    private long vm(String counter) {
        return mm.vmstat().get(counter);
    }

    private void assertSound() {
        assertEquals(List.of(), mm.check());
        for (String proc : mm.processes()) {
            for (var e : mm.smaps(proc, null)) {
                assertEquals(0, mm.verify(proc, e.region()), proc + " " + e.region());
            }
        }
    }

    @Test
    void madvCollapseOfPagesForkWriteProtectedCollapsesInTheCallerOnly() {
        mm.mmap("p", "a", 2 * M);
        mm.touch("p", "a", 0, 2 * M, true);
        mm.fork("p", "c");
        // madvise_collapse() -> hpage_collapse_scan_pmd(): every PTE read-only, every page shared
        assertTrue(mm.madvise("p", "a", 0, 2 * M, Advice.COLLAPSE).ok());
        assertEquals(1, vm("thp_collapse_alloc"));
        assertEquals(2048, anonHugeKb("p"));
        assertEquals(0, anonHugeKb("c"), "the child keeps its 4 KiB pages");
        assertEquals(2048, rssKb("c"));
        // the child's PTEs are read-only and old: MADV_COLLAPSE needs neither
        assertTrue(mm.madvise("c", "a", 0, 2 * M, Advice.COLLAPSE).ok());
        assertEquals(2, vm("thp_collapse_alloc"));
        assertEquals(2048, anonHugeKb("c"));
        // the parent's new THP is its own: a write needs no CoW
        mm.touch("p", "a", 0, 2 * M, true);
        assertEquals(0, vm("thp_split_pmd"));
        assertSound();
    }

    /** The parent's pages fork shared, the child rewrites {@code rewritten} of them, both MADV_HUGEPAGE. */
    private void forkAndRewrite(long rewrittenPages) {
        mm.mmap("p", "a", 2 * M);
        mm.madvise("p", "a", 0, 2 * M, Advice.NOHUGEPAGE);
        mm.touch("p", "a", 0, 2 * M, true);
        mm.fork("p", "c");
        if (rewrittenPages > 0) {
            mm.touch("c", "a", 2 * M - rewrittenPages * 4096, rewrittenPages * 4096, true);
        }
        mm.madvise("c", "a", 0, 2 * M, Advice.HUGEPAGE);
        mm.madvise("p", "a", 0, 2 * M, Advice.HUGEPAGE);
    }

    @Test
    void khugepagedAfterForkCollapsesInEachMmOnItsOwn() {
        // max_ptes_shared=256; the child rewrote the other 256 pages: 256 shared on each side.
        // The parent's PTEs are read-only (fork) and young; the child's rewritten ones young.
        forkAndRewrite(256);
        mm.tick(30_000_000L);
        assertEquals(2, vm("thp_collapse_alloc"), "khugepaged_scan_mm_slot() collapses in each mm");
        assertEquals(2048, anonHugeKb("p"));
        assertEquals(2048, anonHugeKb("c"));
        assertEquals(0, vm("thp_scan_exceed_share_pte"));
        assertSound();
    }

    @Test
    void khugepagedAfterForkRespectsMaxPtesSharedInEachMm() {
        forkAndRewrite(255); // 257 shared on each side
        mm.tick(30_000_000L);
        assertEquals(0, vm("thp_collapse_alloc"));
        assertTrue(vm("thp_scan_exceed_share_pte") >= 2, "both mms exceed max_ptes_shared");
        assertSound();
    }

    @Test
    void aPageOfAFolioAnotherMmMapsCountsAsShared() {
        // folio_maybe_mapped_shared(): the parent's THP is mapped by the child too (its second
        // half), so each of the parent's pages counts as shared, also the 255 only it maps.
        mm.mmap("p", "a", 2 * M);
        mm.madvise("p", "a", 0, 2 * M, Advice.HUGEPAGE);
        mm.touch("p", "a", 0, 2 * M, true);
        mm.fork("p", "c");
        mm.munmap("c", "a", 0, M);
        mm.madvise("p", "a", 0, 4096, Advice.DONTNEED); // splits the parent's PMD: 511 PTEs
        mm.tick(30_000_000L);
        assertEquals(0, vm("thp_collapse_alloc"), "511 shared > max_ptes_shared 256");
        assertTrue(vm("thp_scan_exceed_share_pte") > 0);
        assertEquals(0, anonHugeKb("p"));
        // MADV_COLLAPSE ignores max_ptes_shared
        assertTrue(mm.madvise("p", "a", 0, 2 * M, Advice.COLLAPSE).ok());
        assertEquals(2048, anonHugeKb("p"));
        assertSound();
    }
}
