package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;

/**
 * alloc-antifrag in the machine against alloc-buddy, on the fragmenting sequence of
 * scripts/alloc-antifrag.mm: a's 4 MiB of base pages fill pageblocks P0 and P1; every other
 * 64 KiB of P0 is freed (16 order-4 holes, 256 pages) and 512 KiB of P1 (one order-7 hole, 128
 * pages); c writes 128 pages; a unmaps P0. The buddy puts c's pages in P0's smallest holes,
 * fullest-first in P1, so only antifrag gets P0 back whole.
 */
class AntifragPlacementTest {
    static final long K = 1L << 10;
    static final long M = 1L << 20;

    private static long[] movable(String allocation) {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        rt.defaultMachine().policyAdmin().usePolicy("allocation", allocation);
        MachineOps mm = rt.defaultMachine().ops();
        mm.boot(32 * M, 0, 0);
        mm.sysfs("enabled", "never");
        mm.spawn("a");
        mm.mmap("a", "x", 4 * M);
        assertTrue(mm.touch("a", "x", 0, 4 * M, true).ok());
        // The first page table claimed an order-10 block for Unmovable; a's pages are the next
        // one: 14 movable pageblocks, 4 of them a's, the rest 5 order-10 blocks and 1 order-9.
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 5}, mm.buddyinfo().get("Movable"));
        for (int i = 0; i < 16; i++) {
            assertTrue(mm.madvise("a", "x", (64 + 128 * i) * K, 64 * K, Advice.DONTNEED).ok());
        }
        assertTrue(mm.madvise("a", "x", 3 * M, 512 * K, Advice.DONTNEED).ok());
        assertArrayEquals(new long[] {0, 0, 0, 0, 16, 0, 0, 1, 0, 1, 5}, mm.buddyinfo().get("Movable"));
        mm.spawn("c");
        mm.mmap("c", "y", 512 * K);
        assertTrue(mm.touch("c", "y", 0, 512 * K, true).ok());
        mm.munmap("a", "x", 0, 2 * M);
        assertEquals(java.util.List.of(), mm.check());
        return mm.buddyinfo().get("Movable");
    }

    @Test
    void buddyLeavesP0Fragmented() {
        // c's 128 pages in 8 of P0's order-4 holes (128 = 8 x 16), all in P0's upper half (the
        // last freed): its lower 1 MiB is one order-8 block, 8 order-4 holes remain, and P1 keeps
        // its order-7 hole.
        assertArrayEquals(new long[] {0, 0, 0, 0, 8, 0, 0, 1, 1, 1, 5}, movable("buddy"));
    }

    @Test
    void antifragGetsP0BackWhole() {
        // c's 128 pages fill P1's order-7 hole: P0 is free whole, an order-9 block (P1, its buddy, is full).
        long[] m = movable("antifrag");
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 5}, m);
        long[] b = movable("buddy");
        assertEquals(b[9] + 1, m[9], "one more free order-9 block than the buddy keeps");
    }
}
