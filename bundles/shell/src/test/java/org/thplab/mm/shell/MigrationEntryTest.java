package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.core.runtime.MmRuntime;

/** Migration-entry promotion: the write lock covers the install only, and faults on the entries wait. */
class MigrationEntryTest {

    @Test
    void faultsOnMigrationEntriesWaitAndTheLockCoversOnlyTheInstall() {
        MmRuntime rt = Harness.runtime();
        MachineOps mm = Harness.ops(rt);
        Commands sh = Harness.commands(rt);
        sh.execute("boot 1G");
        sh.execute("sysfs enabled always");
        sh.execute("policy use fault base");
        sh.execute("policy disable promotion khugepaged");
        sh.execute("policy enable promotion migration-entry");
        sh.execute("sysfs khugepaged/scan_sleep_millisecs 10"); // the promoter wakes 10 ms from now
        long wake = mm.now() + 10_000_000L;
        sh.execute("spawn p");
        sh.execute("mmap p a 2M");
        sh.execute("touch p a 0 2M write");
        sh.execute("tick " + (wake - mm.now()) + "ns"); // up to the wake: the build is under way
        // (No look at the machine here: every operation but a touch waits for the promotion.)
        long before = mm.now();
        sh.execute("touch p a 4K 4K write");
        var stat = mm.stat();
        assertEquals(1, stat.get("migration_entry_waits"));
        assertTrue(stat.get("migration_entry_wait_ns") > 0, stat.toString());
        assertTrue(mm.now() - before >= stat.get("migration_entry_wait_ns"));
        assertEquals(2048, mm.smaps("p", "a").get(0).anonHugeKb());
        // The copy ran while the entries stood; the lock was held for the install alone.
        assertTrue(stat.get("mmap_lock_write_ns") < 10_000, stat.toString());
        assertEquals(1, stat.get("mmap_lock_write_acquisitions"));
        assertEquals("ok", sh.execute("verify p a"));
        assertEquals(List.of(), mm.check());
    }
}
