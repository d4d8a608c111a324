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
        // 1 GiB less the reserved first pageblock: 261632 managed pages; min_free_kbytes =
        // int_sqrt(261632 * 4 * 16) = 4091 kB = 1022 pages; watermark_scale_factor 10:
        // max(1022 / 4, 261632 * 10 / 10000 = 261) = 261.
        Buddy b = new Buddy(new Frames(262144));
        assertEquals(261632, b.watermarks.managed());
        assertEquals(1022, b.watermarks.min());
        assertEquals(1022 + 261, b.watermarks.low());
        assertEquals(1022 + 2 * 261, b.watermarks.high());
        assertEquals(1022 + 3 * 261, b.watermarks.promo());
        // 64 GiB: int_sqrt(16776704 * 64) = 32767 kB = 8191 pages; the step is the scale factor's.
        Buddy big = new Buddy(new Frames(1 << 24));
        assertEquals(8191, big.watermarks.min());
        assertEquals(8191 + 2 * 16776, big.watermarks.high());
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

    /**
     * The frames carved one after another from a split block leave their buddies implied until
     * settle(): settling after every operation (the eager split) and only at the end must hand
     * out the same frames and leave the same free lists and frame state.
     */
    @Test
    void carvingGivesWhatTheEagerSplitGives() {
        for (int seed = 0; seed < 20; seed++) {
            Frames eagerF = new Frames(1 << 15);
            Frames lazyF = new Frames(1 << 15);
            Buddy eager = new Buddy(eagerF);
            Buddy lazy = new Buddy(lazyF);
            eager.addFreeRange(0, 1 << 15);
            lazy.addFreeRange(0, 1 << 15);
            java.util.Random rnd = new java.util.Random(seed);
            List<int[]> held = new ArrayList<>();
            for (int op = 0; op < 5000; op++) {
                if (held.isEmpty() || rnd.nextInt(100) < (seed % 2 == 0 ? 95 : 70)) {
                    int order = rnd.nextInt(100) < 90 ? 0 : rnd.nextInt(Frames.MAX_ORDER + 1);
                    int mt = rnd.nextInt(10) == 0 ? Buddy.UNMOVABLE : Buddy.MOVABLE;
                    int p = eager.alloc(order, mt);
                    eager.settle();
                    assertEquals(p, lazy.alloc(order, mt), "seed " + seed + " op " + op);
                    if (p >= 0) {
                        held.add(new int[] {p, order});
                        if (rnd.nextBoolean()) {
                            // A folio's owner, left behind when it is freed, as initAnon() leaves it.
                            java.util.Arrays.fill(eagerF.owner, p, p + (1 << order), op + 1);
                            java.util.Arrays.fill(lazyF.owner, p, p + (1 << order), op + 1);
                        }
                    }
                } else {
                    int[] h = held.remove(rnd.nextInt(held.size()));
                    eager.free(h[0], h[1]);
                    lazy.free(h[0], h[1]);
                }
                assertEquals(eager.freePages(), lazy.freePages());
            }
            lazy.settle();
            assertTrue(java.util.Arrays.equals(eagerF.type, lazyF.type), "type, seed " + seed);
            assertTrue(java.util.Arrays.equals(eagerF.order, lazyF.order), "order, seed " + seed);
            assertTrue(java.util.Arrays.equals(eagerF.ref, lazyF.ref), "ref (next links), seed " + seed);
            assertTrue(java.util.Arrays.equals(eagerF.map, lazyF.map), "map (prev links), seed " + seed);
            assertTrue(java.util.Arrays.equals(eagerF.owner, lazyF.owner), "owner (list names), seed " + seed);
            for (int o = 0; o <= Frames.MAX_ORDER; o++) {
                for (int mt = 0; mt < Buddy.NR_MIGRATETYPES; mt++) {
                    assertEquals(eager.nrFree(o, mt), lazy.nrFree(o, mt));
                }
            }
        }
    }
}
