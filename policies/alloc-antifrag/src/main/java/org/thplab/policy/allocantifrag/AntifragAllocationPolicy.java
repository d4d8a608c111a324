package org.thplab.policy.allocantifrag;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.alloc.AllocRequest;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.alloc.PhysicalMemory;
import org.thplab.policy.allocbuddy.BuddyAllocationPolicy;

/**
 * Huge-page-aware placement: the buddy policy's fast and slow paths unchanged (the defrag
 * modes, direct compaction, reclaim, kswapd and kcompactd wakeups), but every block below
 * pageblock order taken from the free lists comes from the fullest pageblock of its migratetype
 * that can serve it ({@link PhysicalMemory#takeFreeFromFullest}), so that a wholly free
 * pageblock is split only when no partly used one has room. TEMERAIRE's HugeFiller (allocate
 * from the fullest hugepage) in the page allocator, as Quicksilver argues; Linux's
 * __rmqueue_smallest() takes the smallest free block wherever it lies. Requests of pageblock
 * order (THPs) are taken as the buddy takes them.
 *
 * <p>Not placed: the block taken inside reclaimAndTake() and compactAndTake(), which the core
 * takes itself (__alloc_pages_direct_reclaim()'s get_page_from_freelist(), compaction's capture).
 */
@Component(service = AllocationPolicy.class)
@Policy(kind = Kind.allocation, name = "antifrag")
public class AntifragAllocationPolicy extends BuddyAllocationPolicy {

    /** get_page_from_freelist(), placed fullest first below pageblock order (rmqueue() otherwise). */
    @Override
    protected long take(AllocRequest req, PhysicalMemory mem, int watermark) {
        return req.order() < PAGEBLOCK_ORDER
                ? mem.takeFreeFromFullest(req.order(), watermark)
                : mem.takeFree(req.order(), watermark);
    }

    /** pageblock_order: the unit a THP takes whole, and what the placement keeps whole. */
    static final int PAGEBLOCK_ORDER = 9;
}
