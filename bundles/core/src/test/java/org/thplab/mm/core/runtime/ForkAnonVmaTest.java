package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.MachineOps;

/**
 * fork copies no page table of a VMA without an anon_vma (copy_page_range() ->
 * vma_needs_copy(), mm/memory.c): read faults that mapped only the 4 KiB zero page took no
 * anon_vma (do_anonymous_page()), so the child's PMD stays none. Checked on 6.18 with
 * scripts/kdiff/fork-zero-ptes-not-copied.mm: khugepaged then counts no SCAN_EXCEED_NONE_PTE in
 * the child for those 512 zero PTEs, and none in the parent, whose VMA it may not touch
 * (__thp_vma_allowable_orders() without an anon_vma); MADV_COLLAPSE there is EINVAL.
 */
class ForkAnonVmaTest {
    static final long M = 1L << 20;

    @Test
    void zeroPagePtesOfAVmaWithoutAnonVmaAreNotCopied() {
        MachineOps mm = Booted.machine(256 * M);
        mm.sysfs("enabled", "madvise");
        mm.spawn("p");
        mm.mmap("p", "r", 4 * M);
        mm.touch("p", "r", 2 * M, 2 * M, false); // 512 PTEs of the zero page
        mm.madvise("p", "r", 0, 4 * M, Advice.HUGEPAGE);
        assertEquals(Errno.EINVAL, mm.madvise("p", "r", 2 * M, 2 * M, Advice.COLLAPSE).errno());
        assertEquals(true, mm.fork("p", "c").ok());
        mm.touch("c", "r", 0, 4096, true); // the child's VMA gets its anon_vma (and a THP)
        mm.tick(20_000_000_000L); // two khugepaged wakes: both mms scanned twice
        assertEquals(0, mm.vmstat().get("thp_scan_exceed_none_pte"));
        assertEquals(0, mm.vmstat().get("thp_collapse_alloc"));
        assertEquals(1, mm.vmstat().get("thp_fault_alloc"));
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("c", "r"));
    }
}
