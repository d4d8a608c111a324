package org.thplab.mm.core.frames;

/**
 * The state of every physical 4 KiB frame, as a struct of arrays (no Java object per frame):
 * 22 bytes of heap per frame. Several fields are unions, as in struct page: for a frame on a
 * free list, {@link #ref} and {@link #map} hold the list's next and prev links.
 *
 * <p>Large folios are naturally aligned: the head of a PMD-sized folio is a multiple of 512, so
 * per-folio state ({@link #entireMapcount}, {@link #nrPagesMapped}, the deferred split queue)
 * lives in arrays indexed by pageblock ({@code pfn >> 9}); a smaller large folio (an mTHP, order
 * 2 to 8) keeps its state in its first tail frames ({@code folio.Mthps}), as the kernel's folio
 * does in its tail pages. Every frame of a large folio holds its order.
 */
public final class Frames {
    /** Base page shift and size. */
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** A PMD maps 512 pages: HPAGE_PMD_ORDER and HPAGE_PMD_NR. */
    public static final int HPAGE_PMD_ORDER = 9;
    public static final int HPAGE_PMD_NR = 1 << HPAGE_PMD_ORDER;
    /** Largest buddy order (MAX_PAGE_ORDER). */
    public static final int MAX_ORDER = 10;
    /** pageblock_order: the unit of migratetype. */
    public static final int PAGEBLOCK_ORDER = 9;

    // Frame types (type[]).
    /** Inside a free buddy block, not its first frame. */
    public static final byte FREE = 0;
    /** First frame of a free buddy block; order[] holds the block's order. */
    public static final byte FREE_HEAD = 1;
    /** An anonymous page: an order-0 folio, or the head of a large folio (orders 2 to 9). */
    public static final byte ANON = 2;
    /** A tail page of a large anonymous folio; order[] holds the folio's order. */
    public static final byte ANON_TAIL = 3;
    /** A page table page (PTE table), charged as memory as in the kernel. */
    public static final byte PGTABLE = 4;
    /** The shared 4 KiB zero page. */
    public static final byte ZERO = 5;
    /** The huge zero page (head) and its tails. */
    public static final byte HZERO = 6;
    public static final byte HZERO_TAIL = 7;
    /** Taken from the free lists and not a folio (yet): isolated by compaction, or an unused page of a reservation. */
    public static final byte ISOLATED = 8;
    /**
     * Taken out of use for good after an uncorrectable memory error (memory_failure(),
     * PG_hwpoison): when its folio is freed the frame does not go back to the free lists.
     */
    public static final byte HWPOISON = 9;

    public final int nr;
    public final byte[] type;
    /** Buddy order of a free head; folio order (0, 2 to 8, or 9) of every frame of an anonymous folio. */
    public final byte[] order;
    /** Refcount of a folio's head (tails: 0); next link on a free list. */
    public final int[] ref;
    /** Per-page mapcount by PTEs (0 = unmapped); prev link on a free list. */
    public final int[] map;
    /** Content token: who wrote the page last (0 = zeroes). */
    public final int[] content;
    /**
     * Reverse map: the anon family (anon_vma root) of the page. A tail of a PMD-sized folio
     * leaves it unwritten (its head's is the folio's, as folio->mapping is): read {@link #owner(int)}.
     */
    public final int[] owner;
    /**
     * Reverse map: the virtual page number the page is mapped at (page->index). A tail of a
     * PMD-sized folio leaves it unwritten (the head's plus the tail's offset): read {@link #index(int)}.
     */
    public final int[] index;

    // Per pageblock (and per PMD-sized folio, whose head is pageblock aligned).
    public final int nrBlocks;
    /** Number of PMD mappings of the folio headed at this block (_entire_mapcount + 1). */
    public final int[] entireMapcount;
    /** Number of pages of the folio mapped by at least one PTE (_nr_pages_mapped). */
    public final short[] nrPagesMapped;

    /** The frames with an uncorrectable memory error (PG_hwpoison). */
    public final HwPoison hwpoison = new HwPoison();

    public Frames(int nr) {
        if (nr % HPAGE_PMD_NR != 0) {
            throw new IllegalArgumentException("frames must be a multiple of " + HPAGE_PMD_NR);
        }
        this.nr = nr;
        type = new byte[nr];
        order = new byte[nr];
        ref = new int[nr];
        map = new int[nr];
        content = new int[nr];
        owner = new int[nr];
        index = new int[nr];
        nrBlocks = nr >> PAGEBLOCK_ORDER;
        entireMapcount = new int[nrBlocks];
        nrPagesMapped = new short[nrBlocks];
    }

    /** @return the head frame of the folio that {@code pfn} belongs to */
    public int head(int pfn) {
        byte t = type[pfn];
        if (t == ANON_TAIL) {
            return pfn & -(1 << order[pfn]); // folios are naturally aligned; every frame holds the order
        }
        return t == HZERO_TAIL ? pfn & ~(HPAGE_PMD_NR - 1) : pfn;
    }

    /** @return true when {@code pfn} is part of an anonymous folio of order 2 to 8 (an mTHP) */
    public boolean mthp(int pfn) {
        int o = order[pfn];
        return o >= 2 && o < HPAGE_PMD_ORDER && (type[pfn] == ANON || type[pfn] == ANON_TAIL);
    }

    /** @return the anon family of the page's folio (a tail's is its head's) */
    public int owner(int pfn) {
        return owner[head(pfn)];
    }

    /** @return the virtual page number the page is mapped at (a tail's follows from its head's) */
    public int index(int pfn) {
        int h = head(pfn);
        return index[h] + (pfn - h);
    }

    /** @return true when {@code pfn} is part of a PMD-sized anonymous folio */
    public boolean large(int pfn) {
        return order[pfn] == HPAGE_PMD_ORDER && (type[pfn] == ANON || type[pfn] == ANON_TAIL);
    }

    /** Heap bytes per frame for frame state (the figure the benchmark reports). */
    public static double bytesPerFrame() {
        return 1 + 1 + 4 * 5 + (4.0 + 2.0) / HPAGE_PMD_NR;
    }

    /** @return true for the head or a tail frame of an anonymous folio */
    public static boolean isAnon(byte type) {
        return type == ANON || type == ANON_TAIL;
    }
}
