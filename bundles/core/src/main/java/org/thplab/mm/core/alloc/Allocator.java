package org.thplab.mm.core.alloc;

import org.thplab.mm.api.Tunables;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.spi.alloc.AllocPurpose;
import org.thplab.mm.spi.alloc.AllocRequest;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.alloc.PhysicalMemory;

/**
 * The page allocator's entry point: every frame the machine needs is asked of the active
 * {@link AllocationPolicy} (or the built-in fallback), which decides using the mechanisms of
 * {@link PhysicalMemory} implemented here on the buddy allocator, reclaim and compaction.
 */
public final class Allocator implements PhysicalMemory, AllocRequest {
    private static final PolicyGuard.Call<AllocationPolicy, Allocator> ALLOCATE = (p, a) -> a.answer = p.allocate(a, a);

    private final Kernel k;
    private final Buddy buddy;
    private final PolicyGuard guard;
    private SlowPath slow;
    private int order;
    private AllocPurpose purpose;
    private boolean vmaHugepage;
    private int migratetype;
    /** The allocation policy's answer to the current request. */
    private long answer;

    public Allocator(Kernel k) {
        this.k = k;
        this.buddy = k.buddy();
        this.guard = k.guard();
    }

    /** Wires reclaim and compaction in: they are built on the folios, which allocate through here. */
    public void setSlowPath(SlowPath slow) {
        this.slow = slow;
    }

    /**
     * Order-0 allocations that failed after the slow path (reclaim included), and the purpose of
     * the last: what makes a failed fault an out-of-memory condition (__alloc_pages_may_oom() is
     * reached for these only; costly orders fall back instead).
     */
    private long order0Failures;
    private AllocPurpose lastOrder0Failure;

    /** @return order-0 allocations that failed after reclaim so far (what makes a failed fault OOM) */
    public long order0Failures() {
        return order0Failures;
    }

    /** @return what the last failed order-0 allocation was for */
    public AllocPurpose lastOrder0Failure() {
        return lastOrder0Failure;
    }

    /** Allocates a block of {@code order}; returns its first frame or -1. */
    public int alloc(int order, AllocPurpose purpose, boolean vmaHugepage) {
        int pfn = tryAlloc(order, purpose, vmaHugepage);
        // Counted only when memory really is short (at min, at min/2 for page tables, where
        // takeFree() stops): an allocation policy refusing with memory free is no reason to
        // kill anything.
        if (pfn < 0 && order == 0 && !buddy.watermarkOk(0, minMark(purpose, 0))) {
            order0Failures++;
            lastOrder0Failure = purpose;
        }
        return pfn;
    }

    /** The lowest free count a request may take memory at: min, or min/2 for a page table. */
    public long minMark(AllocPurpose purpose, int order) {
        // Page tables may dip below min (ALLOC_HARDER-like) so that teardown never deadlocks.
        return purpose == AllocPurpose.KERNEL && order == 0 ? buddy.watermarks.min() / 2 : buddy.watermarks.min();
    }

    private int tryAlloc(int order, AllocPurpose purpose, boolean vmaHugepage) {
        // Requests do not nest (reclaim and compaction take frames from the buddy directly),
        // so one mutable request object serves them all without garbage.
        this.order = order;
        this.purpose = purpose;
        this.vmaHugepage = vmaHugepage;
        this.migratetype = purpose == AllocPurpose.KERNEL ? Buddy.UNMOVABLE : Buddy.MOVABLE;
        AllocationPolicy p = guard.policies().allocation();
        if (!guard.usable(p)) {
            return (int) fallback();
        }
        takenCount = 0;
        tracking = true;
        boolean returned = guard.call(p, "allocate", this, ALLOCATE);
        tracking = false;
        long pfn = answer;
        // The usual answer: the one block it took, or nothing taken and nothing returned.
        if (returned && (takenCount == 1 ? taken[0] == pfn && pfn >= 0 : takenCount == 0 && pfn < 0)) {
            return (int) pfn;
        }
        return misanswered(p, returned, pfn);
    }

    /** Any other outcome of the policy call, out of line: a policy that threw or misused the blocks it took. */
    private int misanswered(AllocationPolicy p, boolean returned, long pfn) {
        if (!returned) {
            releaseTaken(-1);
            return (int) fallback();
        }
        // The policy must return a block it took, and only that one.
        boolean ours = false;
        for (int k = 0; k < takenCount; k++) {
            ours |= taken[k] == pfn;
        }
        if (pfn >= 0 && !ours) {
            guard.failed(p, "allocate returned frame " + pfn + " that it did not take (a frame in use would be mapped twice)");
            releaseTaken(-1);
            return (int) fallback();
        }
        if (takenCount > (pfn >= 0 ? 1 : 0)) {
            guard.failed(p, "allocate took " + takenCount + " blocks and returned " + (pfn >= 0 ? "one" : "none")
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
                tooMany(pfn, order);
            }
            taken[takenCount] = pfn;
            takenOrder[takenCount++] = order;
        }
        return pfn;
    }

    private void tooMany(long pfn, int order) {
        buddy.free((int) pfn, order);
        throw new PolicyGuard.BudgetExceeded("took more than " + taken.length + " blocks for one request");
    }

    /** Frees every block taken for the request except {@code keep}. */
    private void releaseTaken(long keep) {
        for (int k = 0; k < takenCount; k++) {
            if (taken[k] != keep) {
                buddy.free((int) taken[k], takenOrder[k]);
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
        return k.tunables();
    }

    @Override
    public long takeFree(int order, int watermark) {
        checkOrder(order);
        guard.checkBudget();
        long mark = watermark == WMARK_LOW ? buddy.watermarks.low() : minMark(purpose, order);
        if (!buddy.watermarkOk(order, mark)) {
            return -1;
        }
        return took(buddy.alloc(order, migratetype), order);
    }

    @Override
    public long takeFreeFromFullest(int order, int watermark) {
        checkOrder(order);
        guard.checkBudget();
        // The same watermark check as takeFree() (__zone_watermark_ok()); only the placement differs.
        long mark = watermark == WMARK_LOW ? buddy.watermarks.low() : minMark(purpose, order);
        if (!buddy.watermarkOk(order, mark)) {
            return -1;
        }
        return took(buddy.fill.alloc(order, migratetype), order);
    }

    @Override
    public long compactAndTake(int order) {
        checkOrder(order);
        guard.checkBudget();
        return took(slow.compactAndTake(order, migratetype), order);
    }

    @Override
    public long reclaimAndTake(int order) {
        checkOrder(order);
        guard.checkBudget();
        long want = buddy.watermarks.min() + (1L << order) + 32 - buddy.freePages();
        slow.directReclaim(Math.max(32, want));
        long pfn = takeFree(order, WMARK_MIN);
        if (pfn < 0 && order > 0) {
            pfn = took(slow.compactAndTake(order, migratetype), order);
        }
        return pfn;
    }

    @Override
    public void wakeDaemons(int order) {
        checkOrder(order);
        guard.checkBudget();
        slow.wakeKswapd();
        if (order > 0) {
            slow.wakeKcompactd(order);
        }
    }

    private static void checkOrder(int order) {
        if (order < 0 || order > Frames.MAX_ORDER) {
            throw new IllegalArgumentException("order " + order + " outside 0.." + Frames.MAX_ORDER);
        }
    }
}
