package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SmapsEntry;

/**
 * A write fault on the huge zero page with the default CoW policy (cow-pte), as Linux 6.18's
 * do_huge_pmd_wp_page() -> do_huge_zero_wp_pmd() handles it: a new THP in place of the zero PMD,
 * and the 5.8-6.12 split only when no THP can be had. Figures of the real kernel: thp_fault_alloc
 * +1, no thp_split_pmd, AnonHugePages 2048 kB.
 */
class HugeZeroPageWriteTest {

    static final long M = 1L << 20;

    private static MachineOps boot() {
        MachineOps mm = Booted.machine(64 * M);
        mm.sysfs("enabled", "always");
        mm.sysfs("defrag", "never");
        mm.spawn("p");
        return mm;
    }

    private static SmapsEntry smaps(MachineOps mm, String region) {
        List<SmapsEntry> e = mm.smaps("p", region);
        assertEquals(1, e.size());
        return e.get(0);
    }

    @Test
    void doHugeZeroWpPmdReplacesTheZeroPmdByANewThp() {
        MachineOps mm = boot();
        mm.mmap("p", "z", 2 * M);
        assertTrue(mm.touch("p", "z", 0, 2 * M, false).ok());
        assertEquals(0, smaps(mm, "z").rssKb());
        assertTrue(mm.touch("p", "z", 12 << 10, 4096, true).ok());
        assertEquals(1, mm.vmstat().get("thp_fault_alloc"));
        assertEquals(0, mm.vmstat().get("thp_split_pmd"));
        assertEquals(2048, smaps(mm, "z").rssKb());
        assertEquals(2048, smaps(mm, "z").anonHugeKb());
        assertEquals(0, mm.verify("p", "z"));
        assertEquals(List.of(), mm.check());
    }

    @Test
    void doHugeZeroWpPmdSplitsTheZeroPmdWhenNoThpCanBeHad() {
        MachineOps mm = boot();
        mm.mmap("p", "y", 2 * M);
        assertTrue(mm.touch("p", "y", 0, 2 * M, false).ok());
        // Base pages until no 2 MiB block is free above min; defrag=never: no compaction.
        mm.mmap("p", "f", 60 * M);
        assertTrue(mm.madvise("p", "f", 0, 60 * M, Advice.NOHUGEPAGE).ok());
        // Fewer than 512 pages above WMARK_MIN (min_free_kbytes as THP raised it): an order-9
        // allocation fails its watermark check, a base page passes.
        long min = Long.parseLong(mm.sysctl().get("vm.min_free_kbytes")) / 4;
        for (long off = 0; mm.meminfo().get("MemFree") / 4 > min + 400; off += 4096) {
            assertTrue(mm.touch("p", "f", off, 4096, true).ok());
        }
        assertTrue(mm.touch("p", "y", 12 << 10, 4096, true).ok());
        assertEquals(0, mm.vmstat().get("thp_fault_alloc"));
        assertEquals(1, mm.vmstat().get("thp_fault_fallback"));
        assertEquals(1, mm.vmstat().get("thp_split_pmd"));
        assertEquals(4, smaps(mm, "y").rssKb());
        assertEquals(0, smaps(mm, "y").anonHugeKb());
        assertEquals(0, mm.verify("p", "y"));
        assertEquals(List.of(), mm.check());
    }
}
