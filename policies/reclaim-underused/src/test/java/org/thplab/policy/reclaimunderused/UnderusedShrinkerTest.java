package org.thplab.policy.reclaimunderused;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.ReservationInfo;
import org.thplab.mm.spi.reclaim.ReclaimContext;

/**
 * The underused shrinker's decisions: deferred_split_scan() with its own threshold (thp_underused():
 * more than max_ptes_none zero-filled subpages, the zero-filled ones freed by the split), after
 * the reservations and before the huge zero page, as lru-shrinker orders the pass.
 */
class UnderusedShrinkerTest {

    /** A deferred split queue of fully mapped THPs, each given as its count of zero-filled subpages. */
    private static final class Context implements ReclaimContext {
        final Deque<Integer> queue = new ArrayDeque<>();
        final List<String> calls = new ArrayList<>();
        int reservations;
        boolean hugeZero;

        Context(Integer... zeroFilled) {
            queue.addAll(List.of(zeroFilled));
        }

        @Override
        public Tunables tunables() {
            throw new UnsupportedOperationException("underused reads no tunable");
        }

        @Override
        public boolean direct() {
            return false;
        }

        @Override
        public long deferredSplitQueued() {
            return queue.size();
        }

        @Override
        public long splitDeferred(long max) {
            throw new AssertionError("underused judges against its own threshold, not khugepaged/max_ptes_none");
        }

        @Override
        public long splitDeferred(long max, int maxPtesNone) {
            calls.add("splitDeferred " + max + " " + maxPtesNone);
            long freed = 0;
            for (long n = 0; n < max && !queue.isEmpty(); n++) {
                int zero = queue.poll();
                if (zero > maxPtesNone) {
                    freed += zero; // split: the zero-filled subpages go to the zero page, freed
                }
            }
            return freed;
        }

        @Override
        public long shrinkHugeZeroPage() {
            calls.add("shrinkHugeZeroPage");
            if (hugeZero) {
                hugeZero = false;
                return 512;
            }
            return 0;
        }

        @Override
        public long reservedPages() {
            return 256L * reservations;
        }

        @Override
        public List<ReservationInfo> reservationLru(int max) {
            List<ReservationInfo> l = new ArrayList<>();
            for (int i = 0; i < Math.min(max, reservations); i++) {
                l.add(new ReservationInfo(1, (long) i << 21, 256, 256));
            }
            return l;
        }

        @Override
        public long releaseReservation(int mm, long address) {
            calls.add("releaseReservation");
            reservations--;
            return 256;
        }
    }

    @Test
    void byDefaultOnlyAnAllZeroThpIsUnderused() {
        // 511 as thp_underused()'s loop reads it: more than 511 zero-filled subpages.
        Context ctx = new Context(502, 512, 511, 0);
        assertEquals(512, new UnderusedShrinker().reclaim(ctx, 10_000));
        assertEquals(List.of("splitDeferred 128 511", "shrinkHugeZeroPage"), ctx.calls);
    }

    @Test
    void aLowerThresholdSplitsTheMostlyZeroThps() {
        // 502 and 300 zero-filled subpages are more than 255; 212 and 255 are not.
        Context ctx = new Context(502, 212, 300, 255);
        assertEquals(802, new UnderusedShrinker(255).reclaim(ctx, 10_000));
        assertEquals(0, ctx.deferredSplitQueued());
    }

    @Test
    void max512SplitsNothingUnderused() {
        Context ctx = new Context(512, 512);
        assertEquals(0, new UnderusedShrinker(512).reclaim(ctx, 10_000));
    }

    @Test
    void thePassStopsWhenTheTargetIsMet() {
        Integer[] q = new Integer[300];
        java.util.Arrays.fill(q, 500);
        Context ctx = new Context(q);
        // One batch of SHRINK_BATCH frees 128 * 500, past the target: no second batch, no zero page.
        assertEquals(128 * 500, new UnderusedShrinker(255).reclaim(ctx, 1000));
        assertEquals(List.of("splitDeferred 128 255"), ctx.calls);
        assertEquals(172, ctx.deferredSplitQueued());
    }

    @Test
    void reservationsGoFirstAsInLruShrinker() {
        Context ctx = new Context(500);
        ctx.reservations = 2;
        ctx.hugeZero = true;
        assertEquals(2 * 256 + 500 + 512, new UnderusedShrinker(0).reclaim(ctx, 10_000));
        assertEquals(List.of("releaseReservation", "releaseReservation", "splitDeferred 128 0", "shrinkHugeZeroPage"),
                ctx.calls);
    }

    @Test
    void aThresholdOutsideTheRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new UnderusedShrinker(-1));
        assertThrows(IllegalArgumentException.class, () -> new UnderusedShrinker(513));
    }

    /** A configuration as DS hands it over. */
    private static UnderusedShrinker.Config config(int maxPtesNone) {
        return new UnderusedShrinker.Config() {
            @Override
            public int max__ptes__none() {
                return maxPtesNone;
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return UnderusedShrinker.Config.class;
            }
        };
    }

    @Test
    void aConfigurationSetsTheThresholdAndABadOneChangesNothing() {
        UnderusedShrinker p = new UnderusedShrinker();
        p.configure(config(255));
        assertEquals(255, p.maxPtesNone());
        p.configure(config(600)); // Configuration Admin does not check the metatype's range
        assertEquals(255, p.maxPtesNone());
        p.configure(config(-1));
        assertEquals(255, p.maxPtesNone());
    }
}
