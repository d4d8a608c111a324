package org.thplab.mm.core.frames;

import static org.thplab.mm.core.frames.Frames.FREE;
import static org.thplab.mm.core.frames.Frames.FREE_HEAD;
import static org.thplab.mm.core.frames.Frames.ISOLATED;
import static org.thplab.mm.core.frames.Frames.MAX_ORDER;
import static org.thplab.mm.core.frames.Frames.PAGEBLOCK_ORDER;

/**
 * The buddy allocator of one zone (mm/page_alloc.c): free lists per order and migratetype as
 * intrusive doubly linked lists through {@link Frames#ref} (next) and {@link Frames#map} (prev),
 * buddy merging on free, migratetype fallback with pageblock stealing (__rmqueue_fallback),
 * and the zone watermarks of __setup_per_zone_wmarks().
 *
 * <p>Base pages taken one after another from a split block are the fault path's common case; see
 * {@link #settle()} for how they are taken without writing the free lists for every page.
 */
public final class Buddy {
    public static final int UNMOVABLE = 0;
    public static final int MOVABLE = 1;
    public static final int NR_MIGRATETYPES = 2;
    public static final String[] MIGRATETYPE_NAMES = {"Unmovable", "Movable"};

    private final Frames f;
    private final int[] heads = new int[(MAX_ORDER + 1) * NR_MIGRATETYPES];
    private final long[] nrFree = new long[(MAX_ORDER + 1) * NR_MIGRATETYPES];
    /** Migratetype of each pageblock. */
    final byte[] pbMigratetype;
    /** Frames of each pageblock that are not free. */
    final short[] pbUsed;
    private long freePages;
    /** min_free_kbytes and the zone's watermarks. */
    public final Watermarks watermarks;
    /**
     * A block of order {@code carveOrder} at {@code carveBase} that an order-0 request split, and
     * whose frames [carveNext, carveEnd) are handed out in address order to the next order-0
     * requests of {@code carveMt}. That is the order the eager split gives them in (expand()
     * puts the lower buddy first, and the lists are LIFO), so its free buddies are left implied
     * until {@link #settle()} writes them: empty while carveNext == carveEnd.
     */
    private int carveBase;
    private int carveNext;
    private int carveEnd;
    private int carveMt;
    /** Free pages per pageblock and migratetype, for huge-page-aware placement. */
    public final PageblockFill fill;

    public Buddy(Frames f) {
        this.f = f;
        java.util.Arrays.fill(heads, -1);
        pbMigratetype = new byte[f.nrBlocks];
        pbUsed = new short[f.nrBlocks];
        java.util.Arrays.fill(pbMigratetype, (byte) MOVABLE);
        fill = new PageblockFill(f, this);
        watermarks = new Watermarks(f.nr - Frames.HPAGE_PMD_NR); // the first pageblock is the kernel's: reserved, not managed
        watermarks.init(-1, Watermarks.DEFAULT_WATERMARK_SCALE_FACTOR);
    }

    /** Puts every frame in [from, to) on the free lists, in blocks as large as alignment allows. */
    public void addFreeRange(int from, int to) {
        settle();
        int pfn = from;
        while (pfn < to) {
            int order = MAX_ORDER;
            while (order > 0 && ((pfn & ((1 << order) - 1)) != 0 || pfn + (1 << order) > to)) {
                order--;
            }
            java.util.Arrays.fill(f.type, pfn, pfn + (1 << order), FREE);
            freeBlock(pfn, order);
            pfn += 1 << order;
        }
    }

    /** @return free base pages (nr_free_pages) */
    public long freePages() {
        return freePages;
    }

    /** @return free blocks of each order and migratetype (/proc/pagetypeinfo) */
    public long nrFree(int order, int mt) {
        settle();
        return nrFree[order * NR_MIGRATETYPES + mt];
    }

    /** @return true when a free block of at least {@code order} exists */
    public boolean hasFreeBlock(int order) {
        settle();
        for (int li = order * NR_MIGRATETYPES; li < heads.length; li++) {
            if (heads[li] >= 0) {
                return true;
            }
        }
        return false;
    }

    /** __zone_watermark_ok() without lowmem_reserve: would free memory stay above {@code mark}? */
    public boolean watermarkOk(int order, long mark) {
        return freePages - ((1L << order) - 1) > mark;
    }

    /**
     * Takes a block of {@code order} for migratetype {@code mt}: the smallest fitting block of
     * that type, else a block stolen from another type.
     *
     * @return the first frame, or -1 when no block is free
     */
    public int alloc(int order, int mt) {
        if (carveNext < carveEnd) {
            if (order == 0 && mt == carveMt) {
                return carve();
            }
            settle();
        }
        int pfn = rmqueueSmallest(order, mt);
        if (pfn < 0) {
            pfn = rmqueueFallback(order, mt);
        }
        if (pfn >= 0) {
            markUsed(pfn, order);
        }
        return pfn;
    }

    private void markUsed(int pfn, int order) {
        int n = 1 << order;
        freePages -= n;
        if (n == 1) {
            f.type[pfn] = ISOLATED; // a base page, every fault: no call to the fill stub
        } else {
            java.util.Arrays.fill(f.type, pfn, pfn + n, ISOLATED);
        }
        f.ref[pfn] = 0;
        f.map[pfn] = 0;
        f.order[pfn] = 0;
        if (order >= PAGEBLOCK_ORDER) {
            for (int b = pfn >> PAGEBLOCK_ORDER; b < (pfn + n) >> PAGEBLOCK_ORDER; b++) {
                pbUsed[b] = (short) (1 << PAGEBLOCK_ORDER);
            }
        } else {
            pbUsed[pfn >> PAGEBLOCK_ORDER] += (short) n;
        }
    }

    private int rmqueueSmallest(int order, int mt) {
        for (int o = order; o <= MAX_ORDER; o++) {
            int pfn = heads[o * NR_MIGRATETYPES + mt];
            if (pfn >= 0) {
                unlink(pfn, o, mt);
                if (order == 0 && o > 0) {
                    // The lists of mt below o are empty (o is the smallest non-empty one), so
                    // the buddies expand() would link are the only ones there: leave them implied.
                    carveBase = pfn;
                    carveNext = pfn + 1;
                    carveEnd = pfn + (1 << o);
                    carveMt = mt;
                } else {
                    expand(pfn, order, o, mt);
                }
                return pfn;
            }
        }
        return -1;
    }

    /**
     * The next frame of the carved block, left as the eager path leaves it: taken from its list
     * (links and owner 0), then marked used.
     */
    private int carve() {
        int pfn = carveNext++;
        freePages--;
        f.type[pfn] = ISOLATED;
        f.order[pfn] = 0;
        f.ref[pfn] = 0;
        f.map[pfn] = 0;
        f.owner[pfn] = 0;
        pbUsed[pfn >> PAGEBLOCK_ORDER]++;
        return pfn;
    }

    /**
     * Writes the free buddies of the carved block's rest to their lists, as expand() and the
     * order-0 allocations since would have left them: the aligned blocks of [carveNext,
     * carveEnd), one per list, each alone on it (the lists below the block's order were empty).
     * Every other use of the free lists calls this first, and so must code that reads free
     * frames' type or order directly (compaction's scan of a pageblock).
     */
    public void settle() {
        int x = carveNext;
        int end = carveEnd;
        carveNext = carveEnd = 0;
        while (x < end) {
            int o = Integer.numberOfTrailingZeros(x - carveBase);
            f.type[x] = FREE_HEAD;
            f.order[x] = (byte) o;
            link(x, o, carveMt);
            x += 1 << o;
        }
    }

    /** __rmqueue_fallback(): steal the largest block of another type; claim its pageblock when large. */
    private int rmqueueFallback(int order, int mt) {
        for (int o = MAX_ORDER; o >= order; o--) {
            for (int other = 0; other < NR_MIGRATETYPES; other++) {
                if (other == mt) {
                    continue;
                }
                int pfn = heads[o * NR_MIGRATETYPES + other];
                if (pfn < 0) {
                    continue;
                }
                if (o >= PAGEBLOCK_ORDER / 2) {
                    claimPageblock(pfn, o, mt);
                }
                unlink(pfn, o, f.owner[pfn]);
                expand(pfn, order, o, mt);
                return pfn;
            }
        }
        return -1;
    }

    /** steal_suitable_fallback(): take over whole pageblocks, moving their free blocks to {@code mt}. */
    private void claimPageblock(int pfn, int order, int mt) {
        int first = pfn >> PAGEBLOCK_ORDER;
        int last = Math.max(first, ((pfn + (1 << order)) >> PAGEBLOCK_ORDER) - 1);
        for (int b = first; b <= last; b++) {
            int old = pbMigratetype[b];
            if (old == mt) {
                continue;
            }
            int start = b << PAGEBLOCK_ORDER;
            int freeInBlock = 0;
            for (int p = start; p < start + (1 << PAGEBLOCK_ORDER); ) {
                if (f.type[p] == FREE_HEAD) {
                    int o = f.order[p];
                    freeInBlock += 1 << o;
                    if (o < PAGEBLOCK_ORDER) {
                        unlink(p, o, f.owner[p]);
                        link(p, o, mt);
                    }
                    p += 1 << o;
                } else {
                    p++;
                }
            }
            // Change the pageblock's type when the whole of it is free or at least half of it is
            // free, as the kernel does when it "claims" a block.
            if (order >= PAGEBLOCK_ORDER || freeInBlock >= (1 << (PAGEBLOCK_ORDER - 1))) {
                pbMigratetype[b] = (byte) mt;
            }
        }
    }

    /** Takes the free block headed at {@code head} for a block of {@code order} (PageblockFill's pick). */
    int takeBlock(int head, int order) {
        int o = f.order[head];
        int mt = f.owner[head];
        unlink(head, o, mt);
        expand(head, order, o, mt);
        markUsed(head, order);
        return head;
    }

    private void expand(int pfn, int low, int high, int mt) {
        int size = 1 << high;
        while (high > low) {
            high--;
            size >>= 1;
            int buddy = pfn + size;
            f.type[buddy] = FREE_HEAD;
            f.order[buddy] = (byte) high;
            link(buddy, high, mt);
        }
    }

    /** Frees a block taken with {@link #alloc} (or a block of any frames now unused). */
    public void free(int pfn, int order) {
        settle();
        int n = 1 << order;
        if (f.hwpoison.freedAround(this, f, pfn, n)) {
            return;
        }
        java.util.Arrays.fill(f.type, pfn, pfn + n, FREE);
        java.util.Arrays.fill(f.content, pfn, pfn + n, 0);
        if (order >= PAGEBLOCK_ORDER) {
            for (int b = pfn >> PAGEBLOCK_ORDER; b < (pfn + n) >> PAGEBLOCK_ORDER; b++) {
                pbUsed[b] = 0;
            }
        } else {
            pbUsed[pfn >> PAGEBLOCK_ORDER] -= (short) n;
        }
        freeBlock(pfn, order);
    }

    /** __free_one_page(): merge with free buddies, then put on the pageblock type's list. */
    void freeBlock(int pfn, int order) {
        freePages += 1L << order;
        while (order < MAX_ORDER) {
            int buddy = pfn ^ (1 << order);
            if (buddy >= f.nr || f.type[buddy] != FREE_HEAD || f.order[buddy] != order) {
                break;
            }
            unlink(buddy, order, f.owner[buddy]);
            f.type[buddy] = FREE;
            pfn = Math.min(pfn, buddy);
            order++;
        }
        f.type[pfn] = FREE_HEAD;
        f.order[pfn] = (byte) order;
        link(pfn, order, pbMigratetype[pfn >> PAGEBLOCK_ORDER]);
    }

    private void link(int pfn, int order, int mt) {
        int li = order * NR_MIGRATETYPES + mt;
        int h = heads[li];
        f.ref[pfn] = h;
        f.map[pfn] = -1;
        f.owner[pfn] = mt; // a free head's owner[] names the list it is on
        if (h >= 0) {
            f.map[h] = pfn;
        }
        heads[li] = pfn;
        nrFree[li]++;
        fill.linked(pfn, order, mt);
    }

    private void unlink(int pfn, int order, int mt) {
        int li = order * NR_MIGRATETYPES + mt;
        int next = f.ref[pfn];
        int prev = f.map[pfn];
        if (prev >= 0) {
            f.ref[prev] = next;
        } else {
            heads[li] = next;
        }
        if (next >= 0) {
            f.map[next] = prev;
        }
        f.ref[pfn] = 0;
        f.map[pfn] = 0;
        f.owner[pfn] = 0;
        nrFree[li]--;
        fill.unlinked(pfn, order, mt);
    }

    /** Removes the free block headed at {@code pfn} from its list (compaction isolation). */
    public void isolateFree(int pfn) {
        settle();
        int order = f.order[pfn];
        unlink(pfn, order, f.owner[pfn]);
        freePages -= 1L << order;
        java.util.Arrays.fill(f.type, pfn, pfn + (1 << order), ISOLATED);
    }

    /** @return the migratetype of the pageblock of {@code pfn} */
    public int migratetype(int pfn) {
        return pbMigratetype[pfn >> PAGEBLOCK_ORDER];
    }

    /** Sets the migratetype of a pageblock (compaction making a block for a THP). */
    public void setMigratetype(int block, int mt) {
        pbMigratetype[block] = (byte) mt;
    }

    /** @return frames of pageblock {@code block} that are not free */
    public int used(int block) {
        return pbUsed[block];
    }

    /** Accounts a pageblock whose free frames compaction isolated and hands out whole. */
    public void markBlockUsed(int block) {
        pbUsed[block] = (short) (1 << PAGEBLOCK_ORDER);
    }

    /** Calls {@code visitor} with (head, order, migratetype) of every free block. */
    public void forEachFreeBlock(FreeBlockVisitor visitor) {
        settle();
        for (int o = 0; o <= MAX_ORDER; o++) {
            for (int mt = 0; mt < NR_MIGRATETYPES; mt++) {
                for (int p = heads[o * NR_MIGRATETYPES + mt]; p >= 0; p = f.ref[p]) {
                    visitor.visit(p, o, mt);
                }
            }
        }
    }

    /** Visitor of free blocks. */
    @FunctionalInterface
    public interface FreeBlockVisitor {
        void visit(int head, int order, int migratetype);
    }
}
