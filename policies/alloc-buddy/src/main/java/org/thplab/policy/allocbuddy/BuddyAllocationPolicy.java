package org.thplab.policy.allocbuddy;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.api.Defrag;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.alloc.AllocPurpose;
import org.thplab.mm.spi.alloc.AllocRequest;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.alloc.PhysicalMemory;

/**
 * The buddy allocator as Linux drives it. Base pages: the fast path at the low watermark, then
 * the slow path at min with kswapd woken, then direct reclaim. Huge pages for faults follow the
 * gfp mask that vma_thp_gfp_mask() derives from {@code defrag}: direct compaction and reclaim
 * (always; defer+madvise and madvise for MADV_HUGEPAGE regions), waking kswapd/kcompactd and
 * failing now (defer; defer+madvise for other regions), or only what is free (never; madvise for
 * other regions). Collapses: GFP_TRANSHUGE for MADV_COLLAPSE, and for khugepaged when
 * {@code khugepaged/defrag} is 1 (alloc_charge_folio()).
 *
 * <p>Every take from the free lists goes through {@link #take}, so that a placement policy
 * (alloc-antifrag) keeps these paths and changes only where a block comes from.
 */
@Component
@Policy(kind = Kind.allocation, name = "buddy")
public class BuddyAllocationPolicy implements AllocationPolicy {

    @Override
    public long allocate(AllocRequest req, PhysicalMemory mem) {
        // get_page_from_freelist() at the low watermark: the fast path, kept small so that the
        // JIT inlines it into every fault.
        long pfn = take(req, mem, PhysicalMemory.WMARK_LOW);
        return pfn >= 0 ? pfn : slowPath(req, mem);
    }

    /**
     * get_page_from_freelist() at {@code watermark}: {@link PhysicalMemory#takeFree}, rmqueue()'s
     * placement. A subclass may place the block elsewhere; the watermark must stay as given.
     */
    protected long take(AllocRequest req, PhysicalMemory mem, int watermark) {
        return mem.takeFree(req.order(), watermark);
    }

    /** __alloc_pages_slowpath(), as the request's purpose and the defrag setting shape it. */
    private long slowPath(AllocRequest req, PhysicalMemory mem) {
        int order = req.order();
        long pfn;
        if (req.purpose() == AllocPurpose.COLLAPSE || req.purpose() == AllocPurpose.MADV_COLLAPSE) {
            // alloc_charge_folio(): MADV_COLLAPSE uses GFP_TRANSHUGE; khugepaged too when
            // khugepaged/defrag is 1, else GFP_TRANSHUGE_LIGHT (no reclaim, no compaction).
            boolean direct = req.purpose() == AllocPurpose.MADV_COLLAPSE
                    || mem.tunables().number("khugepaged/defrag") == 1;
            pfn = take(req, mem, PhysicalMemory.WMARK_MIN);
            if (pfn >= 0 || !direct) {
                return pfn;
            }
            pfn = mem.compactAndTake(order);
            return pfn >= 0 ? pfn : mem.reclaimAndTake(order);
        }
        // A reservation's block is asked for at fault time like a THP (the RFC uses the THP gfp).
        boolean thp = req.purpose() == AllocPurpose.FAULT_THP || req.purpose() == AllocPurpose.COW_THP
                || req.purpose() == AllocPurpose.RESERVATION;
        if (!thp) {
            // __alloc_pages_slowpath(): wake kswapd, retry at min, then direct reclaim and compaction.
            mem.wakeDaemons(order);
            pfn = take(req, mem, PhysicalMemory.WMARK_MIN);
            if (pfn >= 0) {
                return pfn;
            }
            if (order > 0) {
                pfn = mem.compactAndTake(order);
                if (pfn >= 0) {
                    return pfn;
                }
            }
            return mem.reclaimAndTake(order);
        }
        Defrag d = mem.tunables().defrag();
        boolean madvised = req.vmaHugepage();
        boolean direct = d == Defrag.ALWAYS
                || (madvised && (d == Defrag.DEFER_MADVISE || d == Defrag.MADVISE));
        boolean kswapd = d == Defrag.DEFER || (!madvised && d == Defrag.DEFER_MADVISE);
        if (kswapd) {
            mem.wakeDaemons(order);
        }
        pfn = take(req, mem, PhysicalMemory.WMARK_MIN);
        if (pfn >= 0 || !direct) {
            return pfn;
        }
        pfn = mem.compactAndTake(order);
        if (pfn >= 0) {
            return pfn;
        }
        // defrag=always without MADV_HUGEPAGE adds __GFP_NORETRY: one compaction attempt only.
        if (d == Defrag.ALWAYS && !madvised) {
            return -1;
        }
        pfn = mem.reclaimAndTake(order);
        return pfn >= 0 ? pfn : mem.compactAndTake(order);
    }
}
