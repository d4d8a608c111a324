package org.thplab.policy.allocantifrag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.alloc.AllocPurpose;
import org.thplab.mm.spi.alloc.AllocRequest;
import org.thplab.mm.spi.alloc.PhysicalMemory;

/** Which mechanism antifrag calls for each request, and in which order (the buddy's paths, placed). */
class AntifragAllocationPolicyTest {

    /** Records the calls; takes fail until {@code okFrom} calls have been made. */
    static final class Recorder implements PhysicalMemory {
        final List<String> calls = new ArrayList<>();
        final int okFrom;

        Recorder(int okFrom) {
            this.okFrom = okFrom;
        }

        private long answer(String call) {
            calls.add(call);
            return calls.size() > okFrom ? 512 : -1;
        }

        @Override
        public Tunables tunables() {
            throw new UnsupportedOperationException("not needed by these requests");
        }

        @Override
        public long takeFree(int order, int watermark) {
            return answer("takeFree " + order + " " + (watermark == WMARK_LOW ? "low" : "min"));
        }

        @Override
        public long takeFreeFromFullest(int order, int watermark) {
            return answer("fullest " + order + " " + (watermark == WMARK_LOW ? "low" : "min"));
        }

        @Override
        public long compactAndTake(int order) {
            return answer("compact " + order);
        }

        @Override
        public long reclaimAndTake(int order) {
            return answer("reclaim " + order);
        }

        @Override
        public void wakeDaemons(int order) {
            calls.add("wake " + order);
        }
    }

    private static AllocRequest req(int order, AllocPurpose purpose) {
        return new AllocRequest() {
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
                return false;
            }
        };
    }

    private static List<String> run(int order, AllocPurpose purpose, int okFrom, long expect) {
        Recorder r = new Recorder(okFrom);
        assertEquals(expect, new AntifragAllocationPolicy().allocate(req(order, purpose), r));
        return r.calls;
    }

    @Test
    void aBasePageComesFromTheFullestPageblockAtLow() {
        assertEquals(List.of("fullest 0 low"), run(0, AllocPurpose.FAULT_BASE, 0, 512));
    }

    @Test
    void theSlowPathKeepsTheBuddysStepsAndPlacesItsTakesToo() {
        // __alloc_pages_slowpath(): wake kswapd, retry at min (placed), then direct reclaim.
        assertEquals(List.of("fullest 0 low", "wake 0", "fullest 0 min", "reclaim 0"),
                run(0, AllocPurpose.FAULT_BASE, 3, 512));
        // An order-3 kernel request compacts before it reclaims, as the buddy's.
        assertEquals(List.of("fullest 3 low", "wake 3", "fullest 3 min", "compact 3", "reclaim 3"),
                run(3, AllocPurpose.KERNEL, 5, -1));
    }

    @Test
    void aThpIsTakenAsTheBuddyTakesIt() {
        // Pageblock order: a wholly free block whatever the placement, rmqueue()'s.
        assertEquals(List.of("takeFree 9 low"), run(9, AllocPurpose.FAULT_THP, 0, 512));
        assertEquals(List.of("takeFree 10 low"), run(10, AllocPurpose.KERNEL, 0, 512));
    }

    @Test
    void everyOrderBelowAPageblockIsPlaced() {
        for (int order = 0; order < 9; order++) {
            assertEquals(List.of("fullest " + order + " low"), run(order, AllocPurpose.KERNEL, 0, 512));
        }
    }
}
