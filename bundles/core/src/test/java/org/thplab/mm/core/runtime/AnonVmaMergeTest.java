package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.MachineOps;

/**
 * VMAs with different anon_vmas do not merge (is_mergeable_anon_vma(), mm/vma.c), and a VMA's
 * first fault shares a neighbour's anon_vma only when their flags agree (anon_vma_prepare() ->
 * find_mergeable_anon_vma() -> anon_vma_compatible(), mm/rmap.c). Checked on 6.18 with
 * scripts/kdiff/anon-vma-no-merge.mm.
 */
class AnonVmaMergeTest {
    static final long K = 1L << 10;
    static final long M = 1L << 20;

    private static MachineOps machine() {
        MachineOps mm = Booted.machine(256 * M);
        mm.sysfs("enabled", "madvise");
        mm.spawn("p");
        mm.mmap("p", "r", 2 * M);
        return mm;
    }

    @Test
    void partsFaultedWithDifferentFlagsStaySplit() {
        MachineOps mm = machine();
        mm.madvise("p", "r", 1040 * K, 688 * K, Advice.NOHUGEPAGE);
        mm.touch("p", "r", 0, 2 * M, true); // three anon_vmas
        mm.madvise("p", "r", 0, 2 * M, Advice.HUGEPAGE);
        assertEquals(3, mm.smaps("p", "r").size());
        assertEquals(Errno.EINVAL, mm.madvise("p", "r", 0, 2 * M, Advice.COLLAPSE).errno());
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "r"));
    }

    @Test
    void partsOfOneAnonVmaMergeAgain() {
        MachineOps mm = machine();
        mm.touch("p", "r", 0, 2 * M, true); // one anon_vma, then split: both parts keep it
        mm.madvise("p", "r", 1040 * K, 688 * K, Advice.NOHUGEPAGE);
        assertEquals(3, mm.smaps("p", "r").size());
        mm.madvise("p", "r", 0, 2 * M, Advice.HUGEPAGE);
        assertEquals(1, mm.smaps("p", "r").size());
        assertEquals(true, mm.madvise("p", "r", 0, 2 * M, Advice.COLLAPSE).ok());
        assertEquals(2048, mm.smaps("p", "r").get(0).anonHugeKb());
        assertEquals(List.of(), mm.check());
    }
}
