package org.thplab.mm.core.machine;

import org.thplab.mm.api.Tunables;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.spi.AllocPurpose;
import org.thplab.mm.spi.AllocRequest;
import org.thplab.mm.spi.AllocationPolicy;
import org.thplab.mm.spi.PhysicalMemory;

/**
 * The page allocator's entry point: every frame the machine needs is asked of the active
 * {@link AllocationPolicy} (or the built-in fallback), which decides using the mechanisms of
 * {@link PhysicalMemory} implemented here on the buddy allocator, reclaim and compaction.
 */
final class Allocator implements PhysicalMemory, AllocRequest {
    private final Machine m;
    private int order;
    private AllocPurpose purpose;
    private boolean vmaHugepage;
    private int migratetype;

    Allocator(Machine m) {
        this.m = m;
    }

    /** Allocates a block of {@code order}; returns its first frame or -1. */
    int alloc(int order, AllocPurpose purpose, boolean vmaHugepage) {
        // Requests do not nest (reclaim and compaction take frames from the buddy directly),
        // so one mutable request object serves them all without garbage.
        this.order = order;
        this.purpose = purpose;
        this.vmaHugepage = vmaHugepage;
        this.migratetype = purpose == AllocPurpose.KERNEL ? Buddy.UNMOVABLE : Buddy.MOVABLE;
        AllocationPolicy p = m.policies.allocation();
        long pfn = p != null ? p.allocate(this, this) : fallback();
        if (pfn >= 0 && m.f.type[(int) pfn] != Frames.ISOLATED) {
            throw new IllegalStateException("allocation policy returned frame " + pfn + " that it did not take");
        }
        return (int) pfn;
    }

    /** The built-in fallback: the buddy fast and slow paths without compaction; THPs only when free. */
    private long fallback() {
        long pfn = takeFree(order, WMARK_LOW);
        if (pfn >= 0) {
            return pfn;
        }
        boolean thp = order == Frames.HPAGE_PMD_ORDER && purpose != AllocPurpose.KERNEL
                && purpose != AllocPurpose.MADV_COLLAPSE;
        pfn = takeFree(order, WMARK_MIN);
        if (pfn >= 0 || thp) {
            return pfn;
        }
        return reclaimAndTake(order);
    }

    @Override
    public int order() {
        return order;
    }

    @Override
    public AllocPurpose purpose() {
        return purpose;
    }

    @Override
    public boolean vmaHugepage() {
        return vmaHugepage;
    }

    @Override
    public Tunables tunables() {
        return m.tunables;
    }

    @Override
    public long takeFree(int order, int watermark) {
        checkOrder(order);
        long mark = watermark == WMARK_LOW ? m.buddy.wmarkLow : m.buddy.wmarkMin;
        if (purpose == AllocPurpose.KERNEL && order == 0 && watermark == WMARK_MIN) {
            // Page tables may dip below min (ALLOC_HARDER-like) so that teardown never deadlocks.
            mark = m.buddy.wmarkMin / 2;
        }
        if (!m.buddy.watermarkOk(order, mark)) {
            return -1;
        }
        return m.buddy.alloc(order, migratetype);
    }

    @Override
    public long compactAndTake(int order) {
        checkOrder(order);
        return m.reclaim.compactAndTake(order, migratetype);
    }

    @Override
    public long reclaimAndTake(int order) {
        checkOrder(order);
        long want = m.buddy.wmarkMin + (1L << order) + 32 - m.buddy.freePages();
        m.reclaim.directReclaim(Math.max(32, want));
        long pfn = takeFree(order, WMARK_MIN);
        if (pfn < 0 && order > 0) {
            pfn = m.reclaim.compactAndTake(order, migratetype);
        }
        return pfn;
    }

    @Override
    public void wakeDaemons(int order) {
        checkOrder(order);
        m.reclaim.wakeKswapd();
        if (order > 0) {
            m.reclaim.wakeKcompactd(order);
        }
    }

    private static void checkOrder(int order) {
        if (order < 0 || order > Frames.MAX_ORDER) {
            throw new IllegalArgumentException("order " + order + " outside 0.." + Frames.MAX_ORDER);
        }
    }

    void count(VmEvent e) {
        m.stat.count(e);
    }
}
