package org.thplab.mm.core.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;

class CompactionTest {

    /** Two processes write interleaved pages; one exits: every pageblock is half free. */
    private static Machine fragmented() {
        Machine m = MachineTestSupport.boot("32M");
        m.tunables.set("enabled", "never");
        m.spawn("a");
        m.spawn("b");
        long size = 14L << 20;
        m.mmap("a", "x", size);
        m.mmap("b", "x", size);
        for (long off = 0; off < size; off += 4096) {
            m.touch("a", "x", off, 4096, true);
            m.touch("b", "x", off, 4096, true);
        }
        m.exit("b");
        return m;
    }

    @Test
    void directCompactionEmptiesAPageblockAndKeepsContent() {
        Machine m = fragmented();
        assertTrue(!m.buddy.hasFreeBlock(Frames.HPAGE_PMD_ORDER), "no free pageblock before compaction");
        long free = m.buddy.freePages();
        long pfn = m.compaction.compactAndTake(Frames.HPAGE_PMD_ORDER, Buddy.MOVABLE);
        assertTrue(pfn > 0 && pfn % 512 == 0, "compaction captured an aligned block: " + pfn);
        assertEquals(1, m.stat.get(VmEvent.COMPACT_SUCCESS));
        assertTrue(m.stat.get(VmEvent.PGMIGRATE_SUCCESS) > 0);
        assertEquals(free - 512, m.buddy.freePages());
        m.buddy.free((int) pfn, Frames.HPAGE_PMD_ORDER);
        MachineTestSupport.assertSound(m);
    }

    @Test
    void thpFaultWithDefragAlwaysCompacts() {
        Machine m = fragmented();
        m.tunables.set("enabled", "always");
        m.tunables.set("defrag", "always");
        m.setPolicies(org.thplab.mm.core.policy.ActivePolicies.of(new org.thplab.mm.spi.alloc.AllocationPolicy() {
            @Override
            public long allocate(org.thplab.mm.spi.alloc.AllocRequest r, org.thplab.mm.spi.alloc.PhysicalMemory mem) {
                long p = mem.takeFree(r.order(), org.thplab.mm.spi.alloc.PhysicalMemory.WMARK_LOW);
                return p >= 0 || r.order() == 0 ? p : mem.compactAndTake(r.order());
            }
        }, f -> f.pmdNone() && f.hugeSuitable() ? f.mapNewHugePage() : org.thplab.mm.spi.FaultOutcome.FALLBACK,
                null, null, java.util.List.of()));
        m.spawn("c");
        m.mmap("c", "y", 2 << 20);
        m.touch("c", "y", 0, 2 << 20, true);
        assertEquals(1, m.stat.get(VmEvent.THP_FAULT_ALLOC));
        assertEquals(1, m.stat.get(VmEvent.COMPACT_STALL));
        assertEquals(2048, m.smaps("c", "y", false).get(0).anonHugeKb());
        MachineTestSupport.assertSound(m);
    }

    @Test
    void compactionFailsWhenNothingCanMove() {
        Machine m = MachineTestSupport.boot("32M");
        m.tunables.set("enabled", "never");
        m.spawn("a");
        // More than RAM: OVERCOMMIT_GUESS would refuse it (__vm_enough_memory()), as a kernel does.
        m.tunables.sysctl.set("vm.overcommit_memory", "1");
        m.mmap("a", "x", 64L << 20);
        // Fill memory down to the min watermark, page by page (one page more would invoke the OOM
        // killer, which would free it all again): nothing is left to migrate into.
        for (long off = 0; m.buddy.freePages() > m.buddy.watermarks.min() + 1; off += 4096) {
            assertTrue(m.touch("a", "x", off, 4096, true).ok());
        }
        assertEquals(0, m.stat.get(VmEvent.OOM_KILL));
        long before = m.stat.get(VmEvent.COMPACT_STALL);
        assertEquals(-1, m.compaction.compactAndTake(Frames.HPAGE_PMD_ORDER, Buddy.MOVABLE));
        assertEquals(before, m.stat.get(VmEvent.COMPACT_STALL), "skipped: below the compaction watermark");
        MachineTestSupport.assertSound(m);
    }
}
