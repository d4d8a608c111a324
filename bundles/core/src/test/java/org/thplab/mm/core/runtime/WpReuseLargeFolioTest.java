package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;

/**
 * A write fault on a read-only PTE of a large folio that only this mm maps reuses the folio
 * (do_wp_page() -> wp_can_reuse_anon_folio() -> __wp_can_reuse_large_anon_folio(), Linux 6.15
 * with CONFIG_MM_ID). Checked on 6.18 with scripts/kdiff/wp-reuse-large-folio.mm: the parent's
 * writes to its PTE-mapped THP, which its child no longer maps, copy nothing, so the THP is never
 * partially mapped.
 */
class WpReuseLargeFolioTest {
    static final long M = 1L << 20;

    @Test
    void aLargeFolioMappedByThisMmAloneIsReused() {
        MachineOps mm = Booted.machine(256 * M);
        mm.spawn("p");
        mm.mmap("p", "r", 2 * M);
        mm.touch("p", "r", 0, 2 * M, true); // one THP
        mm.fork("p", "c");
        mm.touch("c", "r", 0, 2 * M, true); // the child copies all 512 pages away
        mm.madvise("p", "r", M, 4096, Advice.NOHUGEPAGE); // VMA split: the parent's PMD split into PTEs
        long free = mm.meminfo().get("MemFree");
        mm.touch("p", "r", 0, 2 * M, true);
        assertEquals(free, mm.meminfo().get("MemFree")); // nothing copied
        assertEquals(0, mm.vmstat().get("thp_deferred_split_page"));
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "r"));
        assertEquals(0, mm.verify("c", "r"));
    }

    /**
     * The mm slots of CONFIG_MM_ID (folio_add_return_large_mapcount()): a third mm that maps the
     * folio gets no slot, so once the first two have left, the folio it alone maps is still
     * "maybe shared" (folio_test_large_maybe_mapped_shared()) and each of its writes copies 4 KiB.
     */
    @Test
    void aFolioAThirdMmAloneMapsIsStillMaybeSharedAndItsWritesCopy() {
        MachineOps mm = Booted.machine(256 * M);
        mm.spawn("p");
        mm.mmap("p", "r", 2 * M);
        mm.touch("p", "r", 0, 2 * M, true); // one THP, slot 0: p
        mm.fork("p", "c1"); // slot 1: c1
        mm.fork("p", "c2"); // no slot
        mm.madvise("c2", "r", M, 4096, Advice.NOHUGEPAGE); // c2's PMD split into 512 PTEs
        mm.exit("p");
        mm.exit("c1");
        long free = mm.meminfo().get("MemFree");
        mm.touch("c2", "r", 0, M, true); // 256 write faults on read-only PTEs
        assertEquals(free - 256 * 4, mm.meminfo().get("MemFree")); // each copied a page
        assertEquals(1, mm.vmstat().get("thp_deferred_split_page")); // the THP lost pages: partially mapped
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("c2", "r"));
    }
}
