package org.thplab.mm.spi.reclaim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.ReservationInfo;
import org.thplab.mm.spi.reclaim.ShrinkSlab.Scan;
import org.thplab.mm.spi.reclaim.ShrinkSlab.Shrinker;

/**
 * do_shrink_slab()'s arithmetic (mm/shrinker.c of 6.18, mm/vmscan.c of 4.19) and the priority
 * loop of do_try_to_free_pages()/balance_pgdat(), against values worked out by hand from the
 * kernel's code: delta = (freeable >> priority) * 4 / DEFAULT_SEEKS, batches of SHRINK_BATCH.
 */
class ShrinkSlabScanTest {

    /** Runs one call and returns the nr_to_scan of each scan_objects() call. */
    private static List<Long> call(Shrinker s, long freeable, int priority) {
        List<Long> batches = new ArrayList<>();
        s.doShrinkSlab(freeable, priority, n -> {
            batches.add(n);
            return n;
        });
        return batches;
    }

    @Test
    void firstCallScansDeltaInWholeBatchesAndDefersTheRest618() {
        // N 10000, priority 2: delta = 2500 * 4 / 2 = 5000 = 39 batches of 128 (4992) + 8 deferred.
        Shrinker s = new Shrinker(Scan.LINUX_6_18);
        List<Long> b = call(s, 10_000, 2);
        assertEquals(39, b.size());
        assertEquals(List.of(128L), b.stream().distinct().toList());
        assertEquals(5000, s.lastTotalScan());
        assertEquals(4992, s.lastScanned());
        assertEquals(8, s.nrDeferred());
        // Priority 0: delta = 2N = 20000, the cap: 156 batches (19968), 32 deferred.
        Shrinker z = new Shrinker(Scan.LINUX_6_18);
        assertEquals(156, call(z, 10_000, 0).size());
        assertEquals(20_000, z.lastTotalScan());
        assertEquals(32, z.nrDeferred());
    }

    @Test
    void theRfcMachinesReservationsWaitForPriority10In618() {
        // 130815 reservations (the whole 256 GiB machine reserved): (130815 >> 12) * 2 = 62, not a batch.
        Shrinker s = new Shrinker(Scan.LINUX_6_18);
        assertEquals(List.of(), call(s, 130_815, 12));
        assertEquals(62, s.nrDeferred());
        // Priority 11: (62 >> 11) + 63 * 2 = 126, still short of a batch; deferred 62 + 126.
        assertEquals(List.of(), call(s, 130_815, 11));
        assertEquals(188, s.nrDeferred());
        // Priority 10: (188 >> 10) + 127 * 2 = 254: one batch, 188 + 254 - 128 = 314 deferred.
        assertEquals(List.of(128L), call(s, 130_815, 10));
        assertEquals(254, s.lastTotalScan());
        assertEquals(314, s.nrDeferred());
    }

    @Test
    void deferredWorkIsScaledByPriorityAndCappedAtTwiceFreeable618() {
        Shrinker s = new Shrinker(Scan.LINUX_6_18);
        call(s, 100, 6); // delta (100 >> 6) * 2 = 2: nothing scanned, 2 deferred
        assertEquals(2, s.nrDeferred());
        // A cache smaller than a batch is scanned whole once total_scan reaches it: priority 0,
        // delta 200 (= 2N): one call of 128 (min(batch, total_scan)), 72 left < N, deferred.
        assertEquals(List.of(128L), call(s, 100, 0));
        assertEquals(200, s.lastTotalScan());
        assertEquals(2 + 200 - 128, s.nrDeferred());
        // Freeable down to 10: next_deferred = 74 + 0 - 0 is capped at 2 * 10.
        call(s, 10, 12);
        assertEquals(20, s.nrDeferred());
    }

    @Test
    void linux419PutsAMinimumPressureOfOneBatch() {
        // 172b06c32b94: delta = max((N >> 12) * 2, min(N, 128)): one batch at priority 12, nothing deferred.
        Shrinker s = new Shrinker(Scan.LINUX_4_19);
        assertEquals(List.of(128L), call(s, 130_815, 12));
        assertEquals(0, s.nrDeferred());
        // A small cache is scanned whole at once: min(100, 128) = 100 >= freeable.
        Shrinker small = new Shrinker(Scan.LINUX_4_19);
        assertEquals(List.of(100L), call(small, 100, 12));
        assertEquals(0, small.nrDeferred());
        // N 1000 at priority 0: delta 2000, 15 batches (1920), 80 deferred; then priority 12:
        // total 80 + 128 = 208 (delta 128 < N / 4, so at most N / 2 = 500): one batch, 80 deferred again.
        Shrinker m = new Shrinker(Scan.LINUX_4_19);
        assertEquals(15, call(m, 1000, 0).size());
        assertEquals(80, m.nrDeferred());
        assertEquals(List.of(128L), call(m, 1000, 12));
        assertEquals(208, m.lastTotalScan());
        assertEquals(80, m.nrDeferred());
    }

    @Test
    void nothingToFreeKeepsTheDeferredWork() {
        Shrinker s = new Shrinker(Scan.LINUX_6_18);
        call(s, 100, 6);
        assertEquals(List.of(), call(s, 0, 0));
        assertEquals(2, s.nrDeferred());
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Shrinker(Scan.TARGET));
        assertThrows(IllegalArgumentException.class, () -> new Shrinker(Scan.LINUX_6_18).doShrinkSlab(1, 13, n -> n));
        assertThrows(IllegalArgumentException.class, () -> Scan.of("5.0"));
        assertEquals(Scan.LINUX_4_19, Scan.of("4.19"));
    }

    /** A reservation LRU of {@code n} reservations of 511 unused pages each, nothing else. */
    private static final class Lru implements ReclaimContext {
        final boolean direct;
        long left;
        final List<Integer> walks = new ArrayList<>();

        Lru(boolean direct, long n) {
            this.direct = direct;
            this.left = n;
        }

        @Override
        public Tunables tunables() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean direct() {
            return direct;
        }

        @Override
        public long deferredSplitQueued() {
            return 0;
        }

        @Override
        public long splitDeferred(long max) {
            throw new AssertionError("the queue is empty: count 0, no scan");
        }

        @Override
        public long splitDeferred(long max, int maxPtesNone) {
            throw new AssertionError();
        }

        @Override
        public long shrinkHugeZeroPage() {
            return 0;
        }

        @Override
        public long reservedPages() {
            return left * 511;
        }

        @Override
        public long reservationLruLength() {
            return left;
        }

        @Override
        public List<ReservationInfo> reservationLru(int max) {
            walks.add(max);
            List<ReservationInfo> out = new ArrayList<>();
            for (long i = 0; i < Math.min(max, left); i++) {
                out.add(new ReservationInfo(1, i << 21, 1, 511));
            }
            return out;
        }

        @Override
        public long releaseReservation(int mm, long address) {
            left--;
            return 511;
        }
    }

    @Test
    void kswapdStopsAtTheFirstPriorityThatMeetsItsTarget() {
        // 6.18: priorities 12 and 11 scan nothing, 10 releases one batch of 128 (65408 pages).
        Lru ctx = new Lru(false, 130_815);
        long freed = ShrinkSlab.run(ctx, 60_000, new ShrinkSlab.Shrinkers(Scan.LINUX_6_18));
        assertEquals(128 * 511, freed);
        assertEquals(List.of(128), ctx.walks);
    }

    @Test
    void directReclaimGoesOnToPriority0AndReleasesEverything() {
        // The shrinkers' frees are not sc->nr_reclaimed: do_try_to_free_pages() runs every
        // priority, and at priority 0 total_scan = 2 * freeable takes the whole LRU.
        Lru ctx = new Lru(true, 130_815);
        long freed = ShrinkSlab.run(ctx, 32, new ShrinkSlab.Shrinkers(Scan.LINUX_6_18));
        assertEquals(130_815L * 511, freed);
        assertEquals(0, ctx.left);
        assertEquals(128, ctx.walks.get(0)); // the first walk: priority 10
    }

    @Test
    void theShrinkersKeepTheirDeferredWorkFromPassToPass() {
        ShrinkSlab.Shrinkers mine = new ShrinkSlab.Shrinkers(Scan.LINUX_6_18);
        Lru ctx = new Lru(false, 130_815);
        ShrinkSlab.run(ctx, 60_000, mine);
        assertEquals(314, mine.reservations.nrDeferred());
        // The next pass starts at priority 12 with 314 deferred: (314 >> 12) + 62 = 62, no batch;
        // then 11: (376 >> 11) + 126 = 126; then 10: (502 >> 10) + 254 = 254: one batch.
        ctx.walks.clear();
        ShrinkSlab.run(ctx, 60_000, mine);
        assertEquals(List.of(128), ctx.walks);
        assertEquals(314 + 62 + 126 + 254 - 128, mine.reservations.nrDeferred());
    }
}
