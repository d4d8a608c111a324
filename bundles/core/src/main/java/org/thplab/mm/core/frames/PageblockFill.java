package org.thplab.mm.core.frames;

import static org.thplab.mm.core.frames.Frames.FREE_HEAD;
import static org.thplab.mm.core.frames.Frames.PAGEBLOCK_ORDER;

/**
 * Huge-page-aware placement over the buddy's free lists: for each pageblock and free list
 * migratetype, how many of its free pages lie in free blocks below pageblock order and which of
 * those orders it holds, and buckets of pageblocks by (largest such order, free pages) as
 * intrusive lists with a bitmap of the non-empty buckets. {@link #alloc} takes from the
 * pageblock with the fewest free pages that can serve the request, so that wholly free
 * pageblocks stay whole for THPs: TEMERAIRE's HugeFiller (tcmalloc, OSDI 2021: allocate from the
 * fullest hugepage) in the page allocator, as Quicksilver argues. Linux has no counterpart:
 * __rmqueue_smallest() takes the head of the smallest non-empty free list, wherever it is.
 *
 * <p>Kept by {@link Buddy}'s link and unlink, so it mirrors the lists exactly; while Buddy
 * carves a block lazily ({@link Buddy#settle()}) the carved block's implied buddies are not on
 * the lists and not counted here either, hence {@link #alloc} settles first. Wholly free
 * pageblocks (free blocks of pageblock order or more) are not tracked: the lists hold them.
 * No object per page or pageblock: a few primitive arrays, 34 bytes per pageblock and migratetype.
 */
public final class PageblockFill {
    /** Orders tracked: 0 to pageblock_order - 1. */
    private static final int ORDERS = PAGEBLOCK_ORDER;
    /** Free page counts 0 to 512 per largest order. */
    private static final int STRIDE = (1 << PAGEBLOCK_ORDER) + 1;
    private static final int BUCKETS = ORDERS * STRIDE;
    private static final int WORDS = (BUCKETS + 63) >>> 6;

    private final Frames f;
    private final Buddy buddy;
    private final int nrBlocks;
    /** Free blocks of each order below pageblock order, per node (migratetype * nrBlocks + pageblock). */
    private final short[] count;
    /** Free pages in those blocks, per node. */
    private final short[] free;
    /** Bit o set when the node holds a free block of order o. */
    private final short[] mask;
    /** The node's bucket (-1: none) and its links in it. */
    private final int[] bucket;
    private final int[] next;
    private final int[] prev;
    /** First node of each bucket, per migratetype; and the non-empty buckets. */
    private final int[] heads;
    private final long[] nonEmpty;

    PageblockFill(Frames f, Buddy buddy) {
        this.f = f;
        this.buddy = buddy;
        this.nrBlocks = f.nrBlocks;
        int nodes = Buddy.NR_MIGRATETYPES * nrBlocks;
        count = new short[nodes * ORDERS];
        free = new short[nodes];
        mask = new short[nodes];
        bucket = new int[nodes];
        next = new int[nodes];
        prev = new int[nodes];
        java.util.Arrays.fill(bucket, -1);
        heads = new int[Buddy.NR_MIGRATETYPES * BUCKETS];
        java.util.Arrays.fill(heads, -1);
        nonEmpty = new long[Buddy.NR_MIGRATETYPES * WORDS];
    }

    /** A free block of {@code order} went on {@code mt}'s list. */
    void linked(int pfn, int order, int mt) {
        if (order < ORDERS) {
            int node = mt * nrBlocks + (pfn >> PAGEBLOCK_ORDER);
            if (count[node * ORDERS + order]++ == 0) {
                mask[node] |= (short) (1 << order);
            }
            free[node] += (short) (1 << order);
            rebucket(node, mt);
        }
    }

    /** A free block of {@code order} left {@code mt}'s list. */
    void unlinked(int pfn, int order, int mt) {
        if (order < ORDERS) {
            int node = mt * nrBlocks + (pfn >> PAGEBLOCK_ORDER);
            if (--count[node * ORDERS + order] == 0) {
                mask[node] &= (short) ~(1 << order);
            }
            free[node] -= (short) (1 << order);
            rebucket(node, mt);
        }
    }

    private void rebucket(int node, int mt) {
        int m = mask[node];
        int want = m == 0 ? -1 : (31 - Integer.numberOfLeadingZeros(m)) * STRIDE + free[node];
        int had = bucket[node];
        if (want == had) {
            return;
        }
        if (had >= 0) {
            int n = next[node];
            int p = prev[node];
            if (p >= 0) {
                next[p] = n;
            } else {
                heads[mt * BUCKETS + had] = n;
                if (n < 0) {
                    nonEmpty[mt * WORDS + (had >>> 6)] &= ~(1L << had);
                }
            }
            if (n >= 0) {
                prev[n] = p;
            }
        }
        bucket[node] = want;
        if (want >= 0) {
            int h = heads[mt * BUCKETS + want];
            next[node] = h;
            prev[node] = -1;
            if (h >= 0) {
                prev[h] = node;
            }
            heads[mt * BUCKETS + want] = node;
            nonEmpty[mt * WORDS + (want >>> 6)] |= 1L << want;
        }
    }

    /**
     * @return the pageblock of {@code mt}'s lists with the fewest free pages among those holding a
     *     free block of at least {@code order} below pageblock order (ties: the one whose largest
     *     free block is smaller), or -1: at most 9 searches of a 513-bit range, no pageblock scan
     */
    public int fullest(int order, int mt) {
        int best = -1;
        int bestFree = Integer.MAX_VALUE;
        for (int m = order; m < ORDERS; m++) {
            int idx = nextSetBit(mt, m * STRIDE + 1, (m + 1) * STRIDE);
            if (idx >= 0 && idx - m * STRIDE < bestFree) {
                bestFree = idx - m * STRIDE;
                best = heads[mt * BUCKETS + idx] - mt * nrBlocks;
            }
        }
        return best;
    }

    private int nextSetBit(int mt, int from, int to) {
        int w = from >>> 6;
        long word = nonEmpty[mt * WORDS + w] & (-1L << from);
        while (true) {
            if (word != 0) {
                int bit = (w << 6) + Long.numberOfTrailingZeros(word);
                return bit < to ? bit : -1;
            }
            if (++w << 6 >= to) {
                return -1;
            }
            word = nonEmpty[mt * WORDS + w];
        }
    }

    /**
     * @return the head of the smallest free block of at least {@code order} that pageblock
     *     {@code block} has on {@code mt}'s list (best fit inside the block, keeping its larger
     *     blocks whole), or -1
     */
    int smallestIn(int block, int order, int mt) {
        int m = mask[mt * nrBlocks + block] & (-1 << order);
        if (m == 0) {
            return -1;
        }
        int o = Integer.numberOfTrailingZeros(m);
        int start = block << PAGEBLOCK_ORDER;
        for (int p = start; p < start + (1 << PAGEBLOCK_ORDER); p += 1 << o) {
            if (f.type[p] == FREE_HEAD && f.order[p] == o && f.owner[p] == mt) {
                return p;
            }
        }
        throw new IllegalStateException("pageblock " + block + " counted a free block of order " + o + " it lacks");
    }

    /**
     * Takes a block of {@code order} for {@code mt} from the fullest pageblock that can serve it;
     * when none can (or for a pageblock-sized request), {@link Buddy#alloc}: the smallest free
     * block of the lists, which then is a wholly free pageblock, or another migratetype's.
     *
     * @return the first frame, or -1 when no block is free
     */
    public int alloc(int order, int mt) {
        buddy.settle();
        int block = order < ORDERS ? fullest(order, mt) : -1;
        return block < 0 ? buddy.alloc(order, mt) : buddy.takeBlock(smallestIn(block, order, mt), order);
    }

    /** @return free pages pageblock {@code block} has on {@code mt}'s lists in blocks below pageblock order */
    public int freeIn(int block, int mt) {
        return free[mt * nrBlocks + block];
    }
}
