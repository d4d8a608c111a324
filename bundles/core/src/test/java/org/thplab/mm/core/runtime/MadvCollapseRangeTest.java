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
 * MADV_COLLAPSE's range rules and results as Linux 6.18 gives them: madvise_walk_vmas()
 * (mm/madvise.c) calls madvise_collapse() (mm/khugepaged.c) on each VMA's part of the range,
 * which rounds it inward to whole PMDs and answers madvise_collapse_errno() of the last failure.
 * Every expected value is what the kernel answered on a 6.18 machine for the same layout
 * (base pages faulted with enabled=madvise and no MADV_HUGEPAGE; docs/khugepaged.md).
 */
class MadvCollapseRangeTest {
    static final long K = 1L << 10;
    static final long M = 1L << 20;

    private MachineOps mm;

    @BeforeEach
    void boot() {
        mm = Booted.machine(256 * M);
        mm.sysfs("enabled", "madvise");
        mm.spawn("p");
    }

    /** A region of base pages, every page written. */
    private void region(String name, long size) {
        mm.mmap("p", name, size);
        mm.touch("p", name, 0, size, true);
    }

    private long anonHugeKb(String region) {
        return mm.smaps("p", region).stream().mapToLong(e -> e.anonHugeKb()).sum();
    }

    private long collapses() {
        return mm.vmstat().get("thp_collapse_alloc");
    }

    private static void assertErrno(Errno expected, SyscallResult r) {
        assertEquals(expected, r.ok() ? null : r.errno(), r.toString());
    }

    private void assertSound() {
        assertEquals(List.of(), mm.check());
        for (var e : mm.smaps("p", null)) {
            assertEquals(0, mm.verify("p", e.region()), e.region());
        }
    }

    @Test
    void aRangeInsideOneBlockIsEinvalByTheUnsignedCompare() {
        region("a", 4 * M);
        // madvise_collapse(): hstart > hend, thps (0) != (hend - hstart) >> HPAGE_PMD_SHIFT (a wrap)
        assertErrno(Errno.EINVAL, mm.madvise("p", "a", 4 * K, M - 4 * K, Advice.COLLAPSE));
        assertEquals(0, collapses());
        assertSound();
    }

    @Test
    void aRangeEmptyAfterRoundingIsZero() {
        region("a", 4 * M);
        // hstart == hend: no PMD to look at, 0 == 0
        assertErrno(null, mm.madvise("p", "a", 4 * K, 2 * M - 4 * K, Advice.COLLAPSE));
        assertErrno(null, mm.madvise("p", "a", M, 2 * M, Advice.COLLAPSE));
        assertEquals(0, anonHugeKb("a"));
        // [1M, 4M) holds the block [2M, 4M) whole: that block only
        assertErrno(null, mm.madvise("p", "a", M, 3 * M, Advice.COLLAPSE));
        assertEquals(2048, anonHugeKb("a"));
        assertEquals(1, collapses());
        assertSound();
    }

    @Test
    void aRangeOverAHoleCollapsesWhatIsMappedThenAnswersEnomem() {
        region("a", 6 * M);
        mm.munmap("p", "a", 2 * M, 2 * M);
        // madvise_walk_vmas(): unmapped_error = -ENOMEM, the VMAs on both sides collapsed
        assertErrno(Errno.ENOMEM, mm.madvise("p", "a", 0, 6 * M, Advice.COLLAPSE));
        assertEquals(4096, anonHugeKb("a"));
        region("b", 6 * M);
        mm.munmap("p", "b", 2 * M, 2 * M);
        assertErrno(Errno.ENOMEM, mm.madvise("p", "b", 2 * M, 2 * M, Advice.COLLAPSE)); // the hole alone
        assertErrno(Errno.ENOMEM, mm.madvise("p", "b", 2 * M, 4 * M, Advice.COLLAPSE)); // starting in it
        assertEquals(2048, anonHugeKb("b"));
        region("c", 6 * M);
        mm.munmap("p", "c", 4 * M, 2 * M);
        // running past the last VMA: the walk's "if (!vma) return -ENOMEM" after collapsing the rest
        assertErrno(Errno.ENOMEM, mm.madvise("p", "c", 0, 6 * M, Advice.COLLAPSE));
        assertEquals(4096, anonHugeKb("c"));
        assertEquals(5, collapses());
        assertSound();
    }

    @Test
    void aRealErrorInAnyVmaWinsOverEnomem() {
        region("a", 6 * M);
        mm.munmap("p", "a", 2 * M, 2 * M);
        mm.madvise("p", "a", 4 * M, 2 * M, Advice.NOHUGEPAGE);
        // ok | hole | VM_NOHUGEPAGE: the first VMA collapses, the last answers EINVAL
        assertErrno(Errno.EINVAL, mm.madvise("p", "a", 0, 6 * M, Advice.COLLAPSE));
        assertEquals(2048, anonHugeKb("a"));
        region("b", 6 * M);
        mm.munmap("p", "b", 2 * M, 2 * M);
        mm.madvise("p", "b", 0, 2 * M, Advice.NOHUGEPAGE);
        // VM_NOHUGEPAGE | hole | ok: the walk stops at the first error, nothing collapses
        assertErrno(Errno.EINVAL, mm.madvise("p", "b", 0, 6 * M, Advice.COLLAPSE));
        assertEquals(0, anonHugeKb("b"));
        assertSound();
    }

    @Test
    void aPmdThatMapsATHPOrTheHugeZeroPageIsDoneWithoutAllocation() {
        mm.sysfs("use_zero_page", "1");
        mm.mmap("p", "z", 2 * M);
        mm.madvise("p", "z", 0, 2 * M, Advice.HUGEPAGE);
        mm.touch("p", "z", 0, 4 * K, false); // the huge zero page
        assertEquals(1, mm.vmstat().get("thp_zero_page_alloc"));
        // hpage_collapse_scan_pmd() -> find_pmd_or_thp_or_none(): SCAN_PMD_MAPPED, counted as done
        assertErrno(null, mm.madvise("p", "z", 0, 2 * M, Advice.COLLAPSE));
        assertEquals(0, mm.smaps("p", "z").get(0).rssKb(), "still the huge zero page");
        mm.mmap("p", "t", 2 * M);
        mm.madvise("p", "t", 0, 2 * M, Advice.HUGEPAGE);
        mm.touch("p", "t", 0, 2 * M, true); // a THP at fault
        assertErrno(null, mm.madvise("p", "t", 0, 2 * M, Advice.COLLAPSE));
        assertEquals(0, collapses());
        assertSound();
    }

    @Test
    void anEmptyPmdAbortsTheCallButAnAbsentTableGoesOn() {
        mm.mmap("p", "a", 4 * M);
        mm.touch("p", "a", 2 * M, 2 * M, true);
        // the first PMD is none (SCAN_PMD_NONE, not on madvise_collapse()'s list): abort, EINVAL
        assertErrno(Errno.EINVAL, mm.madvise("p", "a", 0, 4 * M, Advice.COLLAPSE));
        assertEquals(0, anonHugeKb("a"));
        mm.mmap("p", "b", 4 * M);
        mm.touch("p", "b", 0, 2 * M, true);
        assertErrno(Errno.EINVAL, mm.madvise("p", "b", 0, 4 * M, Advice.COLLAPSE));
        assertEquals(2048, anonHugeKb("b"));
        // a VMA nothing was faulted in has no anon_vma: thp_vma_allowable_order() refuses it
        mm.mmap("p", "c", 2 * M);
        assertErrno(Errno.EINVAL, mm.madvise("p", "c", 0, 2 * M, Advice.COLLAPSE));
        // one page in each block: max_ptes_none is khugepaged's, both collapse
        mm.sysfs("khugepaged/max_ptes_none", "0");
        mm.mmap("p", "d", 4 * M);
        mm.touch("p", "d", 0, 4 * K, true);
        mm.touch("p", "d", 2 * M, 4 * K, true);
        assertErrno(null, mm.madvise("p", "d", 0, 4 * M, Advice.COLLAPSE));
        assertEquals(4096, anonHugeKb("d"));
        assertSound();
    }
}
