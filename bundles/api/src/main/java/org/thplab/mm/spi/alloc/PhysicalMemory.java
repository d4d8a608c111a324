package org.thplab.mm.spi.alloc;

import org.osgi.annotation.versioning.ProviderType;
import org.thplab.mm.api.Tunables;

/**
 * The mechanisms of the buddy allocator, offered to an {@link AllocationPolicy}. Every method
 * keeps the free lists, watermarks and counters consistent.
 */
@ProviderType
public interface PhysicalMemory {
    /** Low watermark: the fast path's limit (ALLOC_WMARK_LOW). */
    int WMARK_LOW = 1;
    /** Min watermark: the slow path's limit (ALLOC_WMARK_MIN). */
    int WMARK_MIN = 0;

    /** @return the machine's tunables */
    Tunables tunables();

    /**
     * Takes a free block of {@code order} from the free lists (__rmqueue, falling back to other
     * migratetypes), provided free memory stays above the watermark.
     *
     * @return the first frame number, or -1 when none can be had
     */
    long takeFree(int order, int watermark);

    /**
     * Takes a free block of {@code order} (0 to 8) as {@link #takeFree} does, watermark included,
     * but placed huge-page-aware: from the pageblock of the request's migratetype with the fewest
     * free pages that holds a free block of at least {@code order}, the smallest such block in it.
     * A wholly free pageblock is split only when no partly used one can serve the request; then,
     * and for orders of a pageblock or more, this is {@link #takeFree} (__rmqueue(), falling back
     * to other migratetypes). Linux has no such call: __rmqueue_smallest() takes the head of the
     * smallest non-empty free list, wherever it lies. This mirrors TEMERAIRE's HugeFiller (tcmalloc:
     * allocate from the fullest hugepage so that free hugepages stay whole) as Quicksilver argues
     * the page allocator should do it.
     *
     * @return the first frame number, or -1 when none can be had
     * @since 2.1
     */
    long takeFreeFromFullest(int order, int watermark);

    /**
     * Direct compaction (__alloc_pages_direct_compact): migrates movable pages to make a free
     * block of {@code order}, charging its cost, and takes it.
     *
     * @return the first frame number, or -1 when compaction failed
     */
    long compactAndTake(int order);

    /**
     * Direct reclaim (__alloc_pages_direct_reclaim): reclaims memory, charging its cost, then
     * tries {@link #takeFree} at the min watermark.
     *
     * @return the first frame number, or -1
     */
    long reclaimAndTake(int order);

    /** Wakes kswapd and kcompactd for {@code order} (they run later on the machine's clock). */
    void wakeDaemons(int order);
}
