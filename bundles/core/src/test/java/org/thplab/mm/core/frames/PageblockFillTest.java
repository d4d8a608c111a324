package org.thplab.mm.core.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Fullest-first placement ({@link PageblockFill}) against the buddy's smallest-block placement
 * (__rmqueue_smallest()), on the buddy alone, where the arithmetic of each sequence is exact.
 */
class PageblockFillTest {
    private static final int PB = 512;
    private static final int MOV = Buddy.MOVABLE;

    /** 16 pageblocks, all free: 8 order-10 blocks. */
    private static Buddy machine() {
        Buddy b = new Buddy(new Frames(16 * PB));
        b.addFreeRange(0, 16 * PB);
        return b;
    }

    /** Per pageblock and list migratetype, the free pages below pageblock order, recounted from the lists. */
    private static void assertMirrorsLists(Buddy b, int nrBlocks) {
        int[][] want = new int[Buddy.NR_MIGRATETYPES][nrBlocks];
        b.forEachFreeBlock((head, order, mt) -> {
            if (order < Frames.PAGEBLOCK_ORDER) {
                want[mt][head / PB] += 1 << order;
            }
        });
        for (int mt = 0; mt < Buddy.NR_MIGRATETYPES; mt++) {
            for (int blk = 0; blk < nrBlocks; blk++) {
                assertEquals(want[mt][blk], b.fill.freeIn(blk, mt), "pageblock " + blk + " migratetype " + mt);
            }
        }
    }

    /** Free blocks of pageblock order or more, counted in pageblocks (order 10 counts 2). */
    private static long wholePageblocks(Buddy b) {
        return b.nrFree(9, MOV) + 2 * b.nrFree(10, MOV);
    }

    /**
     * The fragmenting sequence: 2048 base pages fill four pageblocks, P0 and P1 the first 1024
     * (one order-10 block, carved in address order), then another order-10 block; every other page of P0 is freed (256 order-0 holes) and the last
     * quarter of P1 (pages 384..511 merge into one order-7 block); 128 new pages are allocated;
     * then every page of the first 2048 still in P0 is freed (the long-lived data going away).
     *
     * <p>The buddy takes the smallest blocks first: the 128 new pages fill P0's order-0 holes, so
     * P0 stays fragmented. Fullest-first takes them from P1, 128 free pages against P0's 256, and
     * P0 comes back whole: one more free pageblock. The 12 pageblocks never touched stay 6
     * order-10 blocks under both.
     */
    private static int[] fragmentingSequence(Buddy b, boolean fullest) {
        int[] pages = new int[2048];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = take(b, fullest, 0);
        }
        int p0 = pages[0] / PB;
        for (int i = 0; i < 2 * PB; i++) {
            assertEquals(pages[0] + i, pages[i], "one order-10 block, carved in address order");
        }
        assertEquals(0, p0 % 2, "P0 and P1 are one order-10 block");
        assertEquals(16 * PB - 2048, b.freePages());
        for (int i = 1; i < PB; i += 2) {
            b.free(pages[i], 0);
        }
        for (int i = PB + 384; i < 2 * PB; i++) {
            b.free(pages[i], 0);
        }
        assertEquals(256, b.nrFree(0, MOV));
        assertEquals(1, b.nrFree(7, MOV));
        assertEquals(256, b.fill.freeIn(p0, MOV));
        assertEquals(128, b.fill.freeIn(p0 + 1, MOV));
        assertMirrorsLists(b, 16);
        int[] fresh = new int[128];
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = take(b, fullest, 0);
        }
        for (int i = 0; i < PB; i += 2) {
            b.free(pages[i], 0);
        }
        assertMirrorsLists(b, 16);
        // 14336 free after the 2048, 256 + 128 freed, 128 taken, 256 freed.
        assertEquals(16 * PB - 2048 + 256 + 128 - 128 + 256, b.freePages());
        assertEquals(6, b.nrFree(10, MOV), "the 12 untouched pageblocks");
        int inP0 = 0;
        for (int p : fresh) {
            inP0 += p / PB == p0 ? 1 : 0;
        }
        return new int[] {p0, inP0};
    }

    private static int take(Buddy b, boolean fullest, int order) {
        int pfn = fullest ? b.fill.alloc(order, MOV) : b.alloc(order, MOV);
        assertTrue(pfn >= 0);
        return pfn;
    }

    @Test
    void buddyFillsTheSmallestHolesAndP0StaysFragmented() {
        Buddy b = machine();
        int[] r = fragmentingSequence(b, false);
        // The 128 new pages took 128 of P0's 256 order-0 holes: P0 has 384 free pages, P1 its order-7 block.
        assertEquals(128, r[1]);
        assertEquals(512 - 128, b.fill.freeIn(r[0], MOV));
        assertEquals(128, b.fill.freeIn(r[0] + 1, MOV));
        assertEquals(0, b.nrFree(9, MOV));
        assertEquals(12, wholePageblocks(b));
    }

    @Test
    void fullestFirstFillsP1AndP0ComesBackWhole() {
        Buddy b = machine();
        int[] r = fragmentingSequence(b, true);
        // The 128 new pages took P1's order-7 block (128 free against P0's 256): P1 is full, and
        // P0, its data gone, is one free order-9 block (its buddy P1 is in use, so no order 10).
        assertEquals(0, r[1]);
        assertEquals(0, b.fill.freeIn(r[0], MOV), "whole pageblocks are not counted");
        assertEquals(0, b.fill.freeIn(r[0] + 1, MOV));
        assertEquals(0, b.used(r[0]));
        assertEquals(PB, b.used(r[0] + 1));
        assertEquals(1, b.nrFree(9, MOV));
        assertEquals(13, wholePageblocks(b));
        assertEquals(0, b.nrFree(0, MOV) + b.nrFree(7, MOV));
    }

    @Test
    void aWhollyFreePageblockIsSplitOnlyWhenNoPartlyUsedOneCanServe() {
        Buddy b = machine();
        int a = take(b, true, 0); // splits an order-10 block: its pageblock is now partly used
        int blk = a / PB;
        for (int i = 1; i < PB; i++) {
            assertEquals(blk, take(b, true, 0) / PB, "page " + i + " stays in the partly used pageblock");
        }
        assertEquals(PB, b.used(blk));
        int next = take(b, true, 0);
        assertEquals(blk + 1, next / PB, "then the rest of the same order-10 block: the smallest whole block");
        assertMirrorsLists(b, 16);
    }

    @Test
    void theFullestPageblockWithABlockOfTheOrderServesIt() {
        Buddy b = machine();
        int[] pages = new int[3 * PB];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = take(b, false, 0);
        }
        int p0 = pages[0] / PB;
        int p2 = pages[2 * PB] / PB; // the second order-10 block (the lists are LIFO: a lower one)
        // P0: 8 order-0 holes (8 free, the fullest); P1: an order-2 block free (4 pages); P2: an order-3 block (8).
        for (int i = 0; i < 16; i += 2) {
            b.free(pages[i], 0);
        }
        for (int i = PB; i < PB + 4; i++) {
            b.free(pages[i], 0);
        }
        for (int i = 2 * PB + 8; i < 2 * PB + 16; i++) {
            b.free(pages[i], 0);
        }
        assertMirrorsLists(b, 16);
        assertEquals(p0 + 1, b.fill.fullest(0, MOV), "P1: 4 free pages, fewer than P0's 8 (tie broken by fewer)");
        assertEquals(p0 + 1, b.fill.fullest(2, MOV));
        assertEquals(p2, b.fill.fullest(3, MOV), "only P2 has an order-3 block");
        // An order-1 request takes half of P1's order-2 block (best fit inside the pageblock).
        int o1 = take(b, true, 1);
        assertEquals(pages[PB], o1);
        assertEquals(2, b.fill.freeIn(p0 + 1, MOV));
        // Order 4: no partly used pageblock has one; the buddy splits a whole block elsewhere.
        int o4 = take(b, true, 4);
        int blk4 = o4 / PB;
        assertTrue(blk4 != p0 && blk4 != p0 + 1 && blk4 != p2, "a pageblock outside P0..P2: " + o4);
        assertEquals(0, o4 % PB, "the start of a wholly free block it split");
        assertMirrorsLists(b, 16);
    }

    @Test
    void unmovableRequestsUseTheUnmovableListsOnly() {
        Buddy b = machine();
        int k = take(b, true, 0);
        b.alloc(0, Buddy.UNMOVABLE); // steals (claims) a pageblock for Unmovable
        int u = b.fill.alloc(0, Buddy.UNMOVABLE);
        assertTrue(u >= 0);
        assertEquals(Buddy.UNMOVABLE, b.migratetype(u));
        assertTrue(u / PB != k / PB || b.migratetype(k) == Buddy.UNMOVABLE);
        assertMirrorsLists(b, 16);
    }
}
