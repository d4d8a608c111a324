package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.spi.Policies;
import org.thplab.policy.promotemadvcollapse.MadvCollapse;

/**
 * A collapse by copy holds the mmap lock for write while it copies 512 pages; MADV_COLLAPSE of a
 * range that is already PMD-mapped (SCAN_PMD_MAPPED) takes no write lock at all. The figures
 * come from mm:stat.
 */
class CollapseCostTest {

    private static Map<String, Long> collapse(Commands sh, MachineOps mm, String range) {
        assertEquals("ok", sh.execute("madvise p a " + range + " collapse"));
        return mm.stat();
    }

    @Test
    void copyCollapseCostsMoreTimeAndLockHoldThanAPmdMappedRange() {
        MmRuntime rt = Harness.runtime();
        MachineOps mm = Harness.ops(rt);
        Commands sh = Harness.commands(rt);
        sh.execute("boot 1G");
        sh.execute("sysfs enabled madvise");
        sh.execute("spawn p");
        sh.execute("mmap p a 2M");
        sh.execute("touch p a 0 2M write");
        Map<String, Long> copy = collapse(sh, mm, "0 2M");
        Map<String, Long> mapped = collapse(sh, mm, "0 2M");

        // 512 pages copied (COPY_4K each) and a TLB flush, under the lock.
        assertTrue(copy.get("last_madv_collapse_lock_write_ns") >= 512 * 400, copy.toString());
        assertEquals(1, copy.get("last_madv_collapse_lock_acquisitions"));
        assertEquals(0, mapped.get("last_madv_collapse_lock_write_ns"), mapped.toString());
        assertEquals(0, mapped.get("last_madv_collapse_lock_acquisitions"));
        assertTrue(copy.get("last_madv_collapse_ns") > 100 * mapped.get("last_madv_collapse_ns"),
                copy + " vs " + mapped);
        assertTrue(mapped.get("last_madv_collapse_ns") > 0, "the scan itself is charged");

        String stat = sh.execute("stat");
        assertTrue(stat.contains("last_madv_collapse_lock_write_ns 0"), stat);
        assertTrue(stat.contains("mmap_lock_write_ns " + copy.get("mmap_lock_write_ns")), stat);
        assertEquals(java.util.List.of(), mm.check());
    }

    @Test
    void batchedCollapseTakesTheLockOncePerBatch() {
        long[] acquisitions = new long[2];
        long[] hold = new long[2];
        int i = 0;
        for (int batch : new int[] {1, 4}) {
            MmRuntime rt = Harness.runtime();
            MachineOps mm = Harness.ops(rt);
            rt.register(Policies.KIND_PROMOTION, "madv-collapse", new MadvCollapse(batch));
            Commands sh = Harness.commands(rt);
            sh.execute("boot 1G");
            sh.execute("sysfs enabled madvise");
            sh.execute("spawn p");
            sh.execute("mmap p a 8M");
            sh.execute("touch p a 0 8M write");
            Map<String, Long> s = collapse(sh, mm, "0 8M");
            acquisitions[i] = s.get("last_madv_collapse_lock_acquisitions");
            hold[i] = s.get("last_madv_collapse_lock_write_ns");
            assertEquals("ok", sh.execute("verify p a"));
            assertEquals(java.util.List.of(), mm.check());
            i++;
        }
        assertEquals(4, acquisitions[0], "upstream: one write lock per 2 MiB range");
        assertEquals(1, acquisitions[1], "batched: one write lock for the batch of four");
        // The same copies happen under the lock either way; batching saves acquisitions, and
        // the allocation and swap-in stay outside it.
        assertEquals(hold[0], hold[1]);
    }
}
