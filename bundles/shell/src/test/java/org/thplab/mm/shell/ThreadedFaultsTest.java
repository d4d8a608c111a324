package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.MmuSettings;
import org.thplab.mm.api.PerfStat;
import org.thplab.mm.core.runtime.MmRuntime;

/**
 * Threads of one process and the mmap lock as a reader-writer lock in simulated time: a thread's
 * fault waits only inside another task's write hold, at most until its end; and the threaded-faults
 * workload under copy collapse and migration-entry promotion.
 */
class ThreadedFaultsTest {
    private static final long M2 = 2L << 20;

    private static MachineOps threads(MmRuntime rt) {
        MachineOps ops = Harness.ops(rt);
        rt.defaultMachine().policyAdmin().usePolicy("fault", "base");
        rt.defaultMachine().policyAdmin().usePolicy("promotion", "-khugepaged"); // the test's holds only
        ops.mmu(new MmuSettings("zen4", false, 4, 3));
        ops.boot(256L << 20, 0, 1);
        ops.spawn("p");
        ops.mmap("p", "heap", 8L << 20);
        ops.clone("p", "t1");
        ops.clone("p", "t2");
        return ops;
    }

    @Test
    void aThreadBehindAWriteHoldWaitsUntilItsEndAndAThreadAfterItDoesNot() {
        MmRuntime rt = Harness.runtime();
        MachineOps ops = threads(rt);
        ops.touch("p/t1", "heap", 0, M2, true);
        // The process's own task collapses t1's range: a write hold at the machine's time, which
        // t2, still at its clone's time on its own CPU, reaches while it faults twice as much.
        assertTrue(ops.madvise("p", "heap", 0, M2, Advice.COLLAPSE).ok());
        ops.touch("p/t2", "heap", 2 * M2, 2 * M2, true);
        Map<String, Long> r = ops.report("p");
        assertEquals(1, r.get("mmap_lock_read_waits_by_p/t2"), r.toString());
        assertEquals(0, r.get("mmap_lock_read_waits_by_p/t1"), r.toString());
        long hold = r.get("mmap_lock_write_max_ns_by_madv_collapse");
        assertTrue(r.get("mmap_lock_read_wait_ns") > 0 && r.get("mmap_lock_read_wait_ns") <= hold, r.toString());
        PerfStat t2 = ops.perfStat("p/t2");
        assertEquals(1024, t2.pageFaults());
        assertEquals(r.get("mmap_lock_read_wait_ns"), t2.events().get("thplab.mmap_lock.read_wait_ns"));
        // A tick: every thread slept through it, and none runs behind its end: no hold to meet.
        assertTrue(ops.madvise("p", "heap", 2 * M2, M2, Advice.COLLAPSE).ok());
        ops.tick(1_000_000);
        ops.touch("p/t1", "heap", M2, M2, true);
        assertEquals(0, ops.report("p").get("mmap_lock_read_waits_by_p/t1"));
        // The process's counts hold its threads'.
        assertEquals(4 * 512, ops.perfStat("p").pageFaults());
    }

    @Test
    void threadsRunOnCpusOfTheirOwnAndExitWithTheProcess() {
        MmRuntime rt = Harness.runtime();
        MachineOps ops = threads(rt);
        assertThrows(MmUsageException.class, () -> ops.clone("p", "t1"));
        assertThrows(MmUsageException.class, () -> ops.clone("p", "a/b"));
        assertThrows(MmUsageException.class, () -> ops.touch("p/t9", "heap", 0, 4096, true));
        ops.touch("p/t1", "heap", 0, M2, true);
        ops.touch("p/t2", "heap", M2, M2, true);
        long flushes = ops.stat().get("nr_tlb_remote_flush");
        // munmap from the process's own task (CPU 0) shoots down the CPUs its threads ran on.
        ops.munmap("p", "heap", 0, M2);
        assertTrue(ops.stat().get("nr_tlb_remote_flush") > flushes, ops.stat().toString());
        ops.exit("p");
        assertThrows(MmUsageException.class, () -> ops.perfStat("p/t1"));
        ops.spawn("p");
        assertThrows(MmUsageException.class, () -> ops.perfStat("p/t1"));
        assertTrue(ops.check().isEmpty(), ops.check().toString());
    }

    @Test
    void threadedFaultsWaitOnlyForAWriterAndCopyCollapseHoldsTheLockLongerThanMigrationEntries() {
        MmRuntime rt = Harness.runtime();
        MachineOps ops = Harness.ops(rt);
        var policies = rt.defaultMachine().policyAdmin();
        policies.usePolicy("fault", "base");
        Map<String, String> p = Map.of("heap", Long.toString(32L << 20), "rounds", "1", "accesses", "1000");
        policies.usePolicy("promotion", "-khugepaged");
        String none = rt.run("default", "threaded-faults", p);
        assertTrue(none.contains("write holds by khugepaged: none"), none);
        assertEquals(0, ops.report("app").get("mmap_lock_read_waits"), none);

        policies.usePolicy("promotion", "+khugepaged");
        String copy = rt.run("default", "threaded-faults", p);
        Map<String, Long> c = ops.report("app");
        long copyHold = c.get("mmap_lock_write_max_ns_by_khugepaged");
        assertTrue(c.get("mmap_lock_read_waits") > 0, copy);
        // A wait is at most the hold it fell in: in all, at most the threads times the holds.
        assertTrue(c.get("mmap_lock_read_wait_max_ns") <= copyHold, copy);
        assertTrue(c.get("mmap_lock_read_wait_ns") <= 4 * c.get("mmap_lock_write_ns"), copy);
        // Each collapse's flush shoots down several CPUs: the threads'.
        Map<String, Long> s = ops.stat();
        assertTrue(s.get("tlb_shootdowns") > s.get("nr_tlb_remote_flush"), s.toString());
        long t1 = ops.perfStat("app/t1").events().get("thplab.mmap_lock.read_wait_ns");
        assertEquals(t1, c.get("mmap_lock_read_wait_ns_by_app/t1"));

        policies.usePolicy("promotion", "-khugepaged");
        policies.usePolicy("promotion", "+migration-entry");
        String mig = rt.run("default", "threaded-faults", Map.of("heap", Long.toString(32L << 20), "rounds", "1",
                "accesses", "1000", "promote", "migration-entry"));
        Map<String, Long> e = ops.report("app");
        long installHold = e.get("mmap_lock_write_max_ns_by_migration_entry");
        assertTrue(e.get("mmap_lock_write_acquisitions_by_migration_entry") > 0, mig);
        assertTrue(installHold * 50 < copyHold, "the install only, against the copy: " + mig + copy);
        assertTrue(e.get("mmap_lock_read_wait_max_ns") <= installHold, mig);
        assertTrue(e.get("mmap_lock_read_wait_ns") < c.get("mmap_lock_read_wait_ns"), mig + copy);
        assertThrows(MmUsageException.class, () -> rt.run("default", "threaded-faults", Map.of("promote", "never")));
    }
}
