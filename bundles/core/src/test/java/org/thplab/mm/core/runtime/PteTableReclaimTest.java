package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SyscallResult;

/**
 * MADV_DONTNEED frees a PTE table it empties whole (CONFIG_PT_RECLAIM, Linux 6.14:
 * madvise_dontneed_single_vma() sets details.reclaim_pt; zap_pte_range() -> try_to_free_pte()
 * when the zap covers the table's whole 2 MiB, reclaim_pt_is_enabled()). Checked on 6.18 with
 * scripts/kdiff/dontneed-reclaims-pte-table.mm: after the DONTNEED MADV_COLLAPSE finds a none PMD
 * (SCAN_PMD_NULL: EINVAL) and a fault in a VM_HUGEPAGE range maps a THP; a DONTNEED of part of a
 * table keeps it, so a fault there maps a base page.
 */
class PteTableReclaimTest {
    static final long M = 1L << 20;

    private MachineOps mm;

    @BeforeEach
    void boot() {
        // khugepaged asleep, as kdiff's sentinel keeps the kernel's (its list is never empty):
        // MADV_HUGEPAGE would wake it at once and it would collapse the range under test
        mm = Booted.machine(256 * M, "-khugepaged");
        mm.sysfs("enabled", "madvise");
        mm.spawn("p");
        mm.mmap("p", "r", 4 * M);
        mm.touch("p", "r", 0, 4 * M, true); // base pages: no VM_HUGEPAGE yet
    }

    private long anonHugeKb() {
        return mm.smaps("p", "r").stream().mapToLong(e -> e.anonHugeKb()).sum();
    }

    @Test
    void aWholeTableEmptiedByDontneedIsFreed() {
        long tables = mm.meminfo().get("PageTables");
        assertEquals(true, mm.madvise("p", "r", 0, 2 * M, Advice.DONTNEED).ok());
        assertEquals(tables - 4, mm.meminfo().get("PageTables"));
        mm.madvise("p", "r", 0, 4 * M, Advice.HUGEPAGE);
        SyscallResult r = mm.madvise("p", "r", 0, 2 * M, Advice.COLLAPSE);
        assertEquals(Errno.EINVAL, r.errno(), r.toString()); // SCAN_PMD_NULL
        mm.touch("p", "r", 0, 4096, true); // do_huge_pmd_anonymous_page()
        assertEquals(2048, anonHugeKb());
        assertEquals(1, mm.vmstat().get("thp_fault_alloc"));
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "r"));
    }

    @Test
    void aPartlyEmptiedTableStays() {
        long tables = mm.meminfo().get("PageTables");
        mm.madvise("p", "r", 2 * M, M, Advice.DONTNEED);
        mm.madvise("p", "r", 3 * M, M, Advice.DONTNEED); // empty now, but no single zap covered it whole
        assertEquals(tables, mm.meminfo().get("PageTables"));
        mm.madvise("p", "r", 0, 4 * M, Advice.HUGEPAGE);
        mm.touch("p", "r", 2 * M, 4096, true); // the PTE table is there: a base page
        assertEquals(0, anonHugeKb());
        assertEquals(0, mm.vmstat().get("thp_fault_alloc"));
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "r"));
    }
}
