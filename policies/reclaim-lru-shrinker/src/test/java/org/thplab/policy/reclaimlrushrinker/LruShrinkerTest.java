package org.thplab.policy.reclaimlrushrinker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.ReservationInfo;
import org.thplab.mm.spi.reclaim.ReclaimContext;

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
}
