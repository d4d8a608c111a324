package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;

/**
 * MADV_HUGEPAGE / MADV_NOHUGEPAGE on part of a VMA whose flags already say so splits nothing
 * (madvise_update_vma(), mm/madvise.c: new flags equal to the old return before __split_vma()),
 * so a THP the VMA maps stays PMD-mapped. Checked on 6.18 with
 * scripts/kdiff/madvise-same-flags-no-split.mm.
 */
class MadviseSameFlagsTest {
    static final long K = 1L << 10;
    static final long M = 1L << 20;

    @Test
    void unchangedFlagsSplitNeitherVmaNorPmd() {
        MachineOps mm = Booted.machine(256 * M);
        mm.spawn("p");
        mm.mmap("p", "r", 2 * M);
        mm.touch("p", "r", 0, 2 * M, true); // enabled=always: one THP
        mm.madvise("p", "r", 0, 2 * M, Advice.NOHUGEPAGE);
        mm.madvise("p", "r", 1672 * K, 156 * K, Advice.NOHUGEPAGE);
        assertEquals(1, mm.smaps("p", "r").size());
        assertEquals(2048, mm.smaps("p", "r").get(0).anonHugeKb());
        assertEquals(0, mm.vmstat().get("thp_split_pmd"));
        // a change of flags on part of it does split the VMA, and so the PMD (vma_adjust_trans_huge())
        mm.madvise("p", "r", 4 * K, 8 * K, Advice.HUGEPAGE);
        assertEquals(3, mm.smaps("p", "r").size());
        assertEquals(1, mm.vmstat().get("thp_split_pmd"));
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "r"));
    }
}
