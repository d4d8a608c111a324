package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SyscallResult;

/**
 * A poisoned frame is out of use for good once its folio is freed (memory_failure() leaves the
 * page PG_hwpoison; free_pages_prepare() keeps it off the free lists), and meminfo counts it as
 * HardwareCorrupted. Before, a new process could get the frame back and fail MADV_COLLAPSE with
 * SCAN_COPY_MC on a page it never had poisoned.
 */
class HwPoisonTest {
    static final long M = 1L << 20;

    private static void touchBase(MachineOps mm, String proc) {
        mm.spawn(proc);
        mm.mmap(proc, "r", 2 * M);
        mm.madvise(proc, "r", 0, 2 * M, Advice.NOHUGEPAGE);
        mm.touch(proc, "r", 0, 2 * M, true);
    }

    @Test
    void aPoisonedPageNeverComesBackAndIsCounted() {
        MachineOps mm = Booted.machine(64 * M, "-khugepaged");
        long free = mm.meminfo().get("MemFree");
        touchBase(mm, "p");
        mm.poison("p", "r", 4096);
        assertEquals(4, mm.meminfo().get("HardwareCorrupted"));
        mm.exit("p");
        assertEquals(free - 4, mm.meminfo().get("MemFree"), "every frame but the poisoned one is free again");
        assertEquals(4, mm.meminfo().get("HardwareCorrupted"));
        // Another process, the same frames: none of them is the poisoned one.
        touchBase(mm, "q");
        mm.madvise("q", "r", 0, 2 * M, Advice.HUGEPAGE);
        SyscallResult r = mm.madvise("q", "r", 0, 2 * M, Advice.COLLAPSE);
        assertTrue(r.ok(), r.toString());
        assertEquals(2048, mm.smaps("q", "r").get(0).anonHugeKb());
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("q", "r"));
    }

    @Test
    void aPoisonedPageInsideAThpStaysOutWhenTheThpIsFreed() {
        MachineOps mm = Booted.machine(64 * M, "-khugepaged");
        long free = mm.meminfo().get("MemFree");
        mm.spawn("p");
        mm.mmap("p", "r", 2 * M);
        mm.touch("p", "r", 0, 2 * M, true); // one THP
        assertEquals(2048, mm.smaps("p", "r").get(0).anonHugeKb());
        mm.poison("p", "r", 8192);
        mm.exit("p");
        assertEquals(free - 4, mm.meminfo().get("MemFree"));
        assertEquals(List.of(), mm.check());
    }
}
