package org.thplab.policy.reclaimlrushrinker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.ReservationInfo;
import org.thplab.mm.spi.reclaim.ReclaimContext;
import org.thplab.mm.spi.reclaim.ShrinkSlab.Scan;

/**
 * The deferred split shrinker as lru-shrinker runs it since the queue holds every THP (Linux
 * 6.12's deferred_split_folio(folio, false)): deferred_split_scan() in SHRINK_BATCH calls until
 * the target is met, even when the head of the queue holds THPs that free nothing.
 */
class LruShrinkerTest {

    /** A queue of {@code fullyMapped} THPs that free nothing, then {@code partial} that free 511 each. */
    private static final class Context implements ReclaimContext {
        long fullyMapped;
        long partial;
        final List<Long> scans = new ArrayList<>();

        Context(long fullyMapped, long partial) {
            this.fullyMapped = fullyMapped;
            this.partial = partial;
        }

        @Override
        public Tunables tunables() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean direct() {
            return false;
        }

        @Override
        public long deferredSplitQueued() {
            return fullyMapped + partial;
        }

        @Override
        public long splitDeferred(long max) {
            scans.add(max);
            long freed = 0;
            for (long n = 0; n < max && deferredSplitQueued() > 0; n++) {
                if (fullyMapped > 0) {
                    fullyMapped--; // not underused: leaves the queue, nothing freed
                } else {
                    partial--;
                    freed += 511;
                }
            }
            return freed;
        }

        @Override
        public long splitDeferred(long max, int maxPtesNone) {
            throw new AssertionError("lru-shrinker judges against khugepaged/max_ptes_none");
        }

        @Override
        public long shrinkHugeZeroPage() {
            return 0;
        }

        @Override
        public long reservedPages() {
            return 0;
        }

        @Override
        public List<ReservationInfo> reservationLru(int max) {
            return List.of();
        }

        @Override
        public long releaseReservation(int mm, long address) {
            return 0;
        }
    }

    @Test
    void deferredSplitScanGoesPastFullyMappedThpsUntilTheTargetIsMet() {
        Context ctx = new Context(300, 200);
        // Two batches free nothing; the third reaches 84 partially mapped THPs and meets the target.
        assertEquals(84 * 511, new LruShrinker().reclaim(ctx, 600));
        assertEquals(List.of(128L, 128L, 128L), ctx.scans);
        assertEquals(116, ctx.partial);
    }

    @Test
    void deferredSplitScanStopsWithAnEmptyQueue() {
        Context ctx = new Context(10, 0);
        assertEquals(0, new LruShrinker().reclaim(ctx, 600));
        assertEquals(List.of(128L), ctx.scans);
    }

    @Test
    void withTheKernelsArithmeticASmallQueueWaitsForALowPriority() {
        // scan=6.18, kswapd: 500 THPs queued. (500 >> p) * 4 / 2 reaches a batch only at priority 3,
        // where 114 deferred (2 + 6 + 14 + 30 + 62 from priorities 8 to 4) >> 3 adds 14: 138, one
        // batch of fully mapped THPs. Priority 2: 372 queued, 186 + (110 >> 2): one more batch.
        // Priority 1: 244 queued, 244 + (168 >> 1) = 328: two batches, which split all 200
        // partially mapped THPs; kswapd's loop ends there, the target long met.
        Context ctx = new Context(300, 200);
        LruShrinker p = new LruShrinker(Scan.LINUX_6_18);
        assertEquals(200 * 511, p.reclaim(ctx, 600));
        assertEquals(List.of(128L, 128L, 128L, 128L), ctx.scans);
        // 1000 partially mapped THPs: priority 4 has (1000 >> 4) * 2 + (114 >> 4) = 131, one batch,
        // 128 * 511 pages: kswapd is balanced after it.
        Context other = new Context(0, 1000);
        assertEquals(128 * 511, new LruShrinker(Scan.LINUX_6_18).reclaim(other, 600));
        assertEquals(List.of(128L), other.scans);
        // scan=target, the default, takes the same first batch, with no priorities; on the first
        // queue it goes on past the fully mapped THPs only until the target is met (84 split).
        Context target = new Context(0, 1000);
        assertEquals(128 * 511, new LruShrinker().reclaim(target, 600));
        assertEquals(List.of(128L), target.scans);
    }
}
