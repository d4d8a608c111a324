package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;

/**
 * khugepaged_wait_work(): with an empty mm_slot list khugepaged waits until
 * __khugepaged_enter() wakes it, and then scans at once; with work and scan_sleep_millisecs 0 it
 * scans again at once, each pass taking the time its scan costs. Checked on Linux 6.18: with
 * scan_sleep_millisecs 60000, khugepaged/full_scans went up within a second of a process's first
 * fault in a MADV_HUGEPAGE region (the list was empty).
 */
class KhugepagedWaitTest {
    static final long M = 1L << 20;

    private static long fullScans(MachineOps mm) {
        return mm.tunables().number("khugepaged/full_scans");
    }

    @Test
    void anEmptyListIsNotScannedAndTheFirstMmToEnterIsScannedAtOnce() {
        MachineOps mm = Booted.machine(256 * M);
        mm.tick(60_000_000_000L);
        assertEquals(0, fullScans(mm), "nothing to scan: khugepaged waits, no pass completes");
        mm.spawn("p");
        mm.mmap("p", "r", 4 * M);
        mm.touch("p", "r", 0, 4096, true); // the first fault enters p into the empty list
        assertEquals(1, fullScans(mm), "woken by __khugepaged_enter(): one pass at once");
        mm.tick(9_000_000_000L);
        assertEquals(1, fullScans(mm), "then it sleeps scan_sleep_millisecs (10 s)");
        mm.tick(1_000_000_000L);
        assertEquals(2, fullScans(mm));
    }

    @Test
    void scanSleepZeroIsABusyDaemonNotAHang() {
        MachineOps mm = Booted.machine(256 * M);
        mm.sysfs("khugepaged/scan_sleep_millisecs", "0");
        mm.spawn("p"); // used to reschedule khugepaged at the same instant forever
        mm.mmap("p", "r", 4 * M);
        mm.touch("p", "r", 0, 4 * M, true);
        long before = fullScans(mm);
        mm.tick(1_000_000); // 1 ms
        long passes = fullScans(mm) - before;
        // a pass over p costs a wake, a slot step and two PMD scans: some hundreds of passes a ms
        assertTrue(passes > 100 && passes < 1_000_000, "passes in 1 ms: " + passes);
        assertEquals(java.util.List.of(), mm.check());
    }
}
