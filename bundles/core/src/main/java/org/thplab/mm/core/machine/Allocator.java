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

    /**
     * Order-0 allocations that failed after the slow path (reclaim included), and the purpose of
     * the last: what makes a failed fault an out-of-memory condition (__alloc_pages_may_oom() is
     * reached for these only; costly orders fall back instead).
     */
    long order0Failures;
    AllocPurpose lastOrder0Failure;

    /** Allocates a block of {@code order}; returns its first frame or -1. */
    int alloc(int order, AllocPurpose purpose, boolean vmaHugepage) {
        int pfn = tryAlloc(order, purpose, vmaHugepage);
        // Counted only when memory really is short (at min, at min/2 for page tables, where
        // takeFree() stops): an allocation policy refusing with memory free is no reason to
        // kill anything.
        if (pfn < 0 && order == 0 && !m.buddy.watermarkOk(0, minMark(purpose, 0))) {
            order0Failures++;
            lastOrder0Failure = purpose;
        }
        return pfn;
    }

    /** The lowest free count a request may take memory at: min, or min/2 for a page table. */
    private long minMark(AllocPurpose purpose, int order) {
        // Page tables may dip below min (ALLOC_HARDER-like) so that teardown never deadlocks.
        return purpose == AllocPurpose.KERNEL && order == 0 ? m.buddy.wmarkMin / 2 : m.buddy.wmarkMin;
    }

    private int tryAlloc(int order, AllocPurpose purpose, boolean vmaHugepage) {
        // Requests do not nest (reclaim and compaction take frames from the buddy directly),
        // so one mutable request object serves them all without garbage.
        this.order = order;
        this.purpose = purpose;
        this.vmaHugepage = vmaHugepage;
        this.migratetype = purpose == AllocPurpose.KERNEL ? Buddy.UNMOVABLE : Buddy.MOVABLE;
        AllocationPolicy p = m.policies.allocation();
        if (!m.usable(p)) {
            return (int) fallback();
        }
        takenCount = 0;
        long pfn;
        m.enterPolicy();
        tracking = true;
        try {
            pfn = p.allocate(this, this);
        } catch (RuntimeException | StackOverflowError e) {
            tracking = false;
            m.policyFailed(p, "allocate", e);
            releaseTaken(-1);
            return (int) fallback();
        } finally {
            tracking = false;
            m.exitPolicy();
        }
        // The policy must return a block it took, and only that one.
        boolean ours = false;
        for (int k = 0; k < takenCount; k++) {
            ours |= taken[k] == pfn;
        }
        if (pfn >= 0 && !ours) {
            m.policyFailed(p, "allocate returned frame " + pfn + " that it did not take (a frame in use would be mapped twice)");
            releaseTaken(-1);
            return (int) fallback();
        }
        if (takenCount > (pfn >= 0 ? 1 : 0)) {
            m.policyFailed(p, "allocate took " + takenCount + " blocks and returned " + (pfn >= 0 ? "one" : "none")
                    + " (the others would have leaked; they were freed)");
            releaseTaken(pfn);
        }
        return (int) pfn;
    }

    /** Blocks the allocation policy took during the current request. */
    private final long[] taken = new long[64];
    private final int[] takenOrder = new int[64];
    private int takenCount;
    private boolean tracking;

    private long took(long pfn, int order) {
        if (pfn >= 0 && tracking) {
            if (takenCount == taken.length) {
                m.buddy.free((int) pfn, order);
                throw new Machine.PolicyBudgetExceeded("took more than " + taken.length + " blocks for one request");
            }
            taken[takenCount] = pfn;
            takenOrder[takenCount++] = order;
        }
        return pfn;
    }

    /** Frees every block taken for the request except {@code keep}. */
    private void releaseTaken(long keep) {
        for (int k = 0; k < takenCount; k++) {
            if (taken[k] != keep) {
                m.buddy.free((int) taken[k], takenOrder[k]);
            }
        }
        takenCount = 0;
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
        m.checkBudget();
        long mark = watermark == WMARK_LOW ? m.buddy.wmarkLow : minMark(purpose, order);
        if (!m.buddy.watermarkOk(order, mark)) {
            return -1;
        }
        return took(m.buddy.alloc(order, migratetype), order);
    }

    @Override
    public long compactAndTake(int order) {
        checkOrder(order);
        m.checkBudget();
        return took(m.reclaim.compactAndTake(order, migratetype), order);
    }

    @Override
    public long reclaimAndTake(int order) {
        checkOrder(order);
        long want = m.buddy.wmarkMin + (1L << order) + 32 - m.buddy.freePages();
        m.reclaim.directReclaim(Math.max(32, want));
        long pfn = takeFree(order, WMARK_MIN);
        if (pfn < 0 && order > 0) {
            pfn = took(m.reclaim.compactAndTake(order, migratetype), order);
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
