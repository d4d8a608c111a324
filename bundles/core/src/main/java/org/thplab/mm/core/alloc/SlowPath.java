package org.thplab.mm.core.alloc;

/**
 * What the page allocator's slow path asks of reclaim and compaction, which sit above it:
 * try_to_free_pages(), __alloc_pages_direct_compact() and the daemons' wakeups.
 */
public interface SlowPath {
    /** Direct reclaim of at least {@code target} pages. @return pages freed */
    long directReclaim(long target);

    /** Compacts one pageblock and captures it. @return its first frame, or -1 */
    long compactAndTake(int order, int migratetype);

    void wakeKswapd();

    void wakeKcompactd(int order);
}
