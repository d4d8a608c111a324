package org.thplab.mm.core.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuddyTest {

    @Test
    void watermarksFollowSetupPerZoneWmarks() {
        // 1 GiB: min_free_kbytes = int_sqrt(1048576 * 16) = 4096 kB = 1024 pages;
        // watermark_scale_factor 10: max(1024 / 4, 262144 * 10 / 10000 = 262) = 262.
        Buddy b = new Buddy(new Frames(262144));
        assertEquals(1024, b.wmarkMin);
        assertEquals(1024 + 262, b.wmarkLow);
        assertEquals(1024 + 2 * 262, b.wmarkHigh);
        // 64 GiB: min_free_kbytes = int_sqrt(67108864 * 16) = 32768 kB = 8192 pages.
        Buddy big = new Buddy(new Frames(1 << 24));
        assertEquals(8192, big.wmarkMin);
    }

    @Test
    void freeingEverythingMergesBackToMaxOrderBlocks() {
        Frames f = new Frames(4096);
        Buddy b = new Buddy(f);
        b.addFreeRange(0, 4096);
        assertEquals(4096, b.freePages());
        assertEquals(4, b.nrFree(Frames.MAX_ORDER, Buddy.MOVABLE));
        List<Integer> pages = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            pages.add(b.alloc(0, Buddy.MOVABLE));
        }
        int thp = b.alloc(9, Buddy.MOVABLE);
        assertEquals(0, thp % 512, "order-9 blocks are naturally aligned");
        assertEquals(4096 - 1000 - 512, b.freePages());
        assertEquals(1000, pages.stream().distinct().count(), "no frame handed out twice");
        assertTrue(pages.stream().noneMatch(p -> p >= thp && p < thp + 512));
        b.free(thp, 9);
        for (int p : pages) {
            b.free(p, 0);
        }
        assertEquals(4096, b.freePages());
        assertEquals(4, b.nrFree(Frames.MAX_ORDER, Buddy.MOVABLE), "buddies merged back");
        for (int o = 0; o < Frames.MAX_ORDER; o++) {
            assertEquals(0, b.nrFree(o, Buddy.MOVABLE) + b.nrFree(o, Buddy.UNMOVABLE), "order " + o);
        }
    }

    @Test
    void unmovableAllocationsStealAWholePageblock() {
        Frames f = new Frames(2048);
        Buddy b = new Buddy(f);
        b.addFreeRange(0, 2048);
        int p = b.alloc(0, Buddy.UNMOVABLE);
        assertNotEquals(-1, p);
        // __rmqueue_fallback() took the largest movable block and claimed its pageblock.
        assertEquals(Buddy.UNMOVABLE, b.migratetype(p));
        int q = b.alloc(0, Buddy.UNMOVABLE);
        assertEquals(p >> 9, q >> 9, "the next unmovable page comes from the claimed pageblock");
        int m = b.alloc(0, Buddy.MOVABLE);
        assertNotEquals(p >> 9, m >> 9, "movable pages come from movable pageblocks");
    }

    @Test
    void watermarkCheckLeavesTheReserve() {
        Buddy b = new Buddy(new Frames(8192));
        b.addFreeRange(0, 8192);
        assertTrue(b.watermarkOk(0, 100));
        assertTrue(!b.watermarkOk(9, 8192 - 511));
        assertTrue(b.watermarkOk(9, 8192 - 512));
    }
}
