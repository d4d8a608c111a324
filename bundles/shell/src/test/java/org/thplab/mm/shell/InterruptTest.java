package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.core.runtime.MmRuntime;

/**
 * Ctrl-C interrupts the shell's thread; the long-running commands stop at their next step with
 * the machine consistent: touch at the next GiB, tick before the next event, run at the next
 * step of the workload. A thread nobody interrupts (every script) runs them to their end.
 */
class InterruptTest {
    private final MmRuntime rt = Harness.runtime();
    private final MachineOps mm = Harness.ops(rt);
    private final Commands sh = Harness.commands(rt);

    @AfterEach
    void clear() {
        Thread.interrupted();
    }

    @Test
    void anInterruptedTouchStopsAtTheNextGibAndSaysEintr() {
        sh.execute("boot 4G; spawn p; mmap p a 3G; mmap p b 2M");
        Thread.currentThread().interrupt();
        assertEquals("", sh.execute("touch p b 0 2M"), "a touch within one GiB is not cut short");
        assertEquals("EINTR: p touched region a up to offset 1073741824 of 3221225472, then stopped", sh.execute("touch p a 0 3G"));
        assertTrue(Thread.interrupted(), "the interrupt is the shell's to clear");
        assertEquals(1024 * 1024 + 2048, mm.smaps("p", "a").get(0).rssKb() + mm.smaps("p", "b").get(0).rssKb());
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "a"));
        assertEquals("", sh.execute("touch p a 0 3G"), "not interrupted: the whole range");
        assertEquals(3L * 1024 * 1024, mm.smaps("p", "a").get(0).rssKb());
    }

    @Test
    void anInterruptedTickStopsBeforeTheNextEvent() {
        sh.execute("boot 1G; sysfs khugepaged/scan_sleep_millisecs 10; spawn p; mmap p a 4M; touch p a 0 4K");
        long t0 = mm.now();
        Thread.currentThread().interrupt();
        sh.execute("tick 1000s");
        assertTrue(Thread.interrupted());
        assertTrue(mm.now() - t0 < 1_000_000_000_000L, "stopped early: " + (mm.now() - t0));
        assertEquals(List.of(), mm.check());
        sh.execute("tick 1s");
        assertTrue(mm.now() - t0 >= 1_000_000_000L);
    }

    @Test
    void anInterruptedRunStopsAtItsNextStepAndReports() {
        sh.execute("boot 1G");
        Thread.currentThread().interrupt();
        String report = sh.execute("run rfc-fork size=1G chunk=256M");
        assertTrue(Thread.interrupted());
        assertTrue(report.contains("stopped by the user"), report);
        assertEquals(List.of(), mm.check());
    }
}
