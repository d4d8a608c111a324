package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.spi.reclaim.ReclaimContext;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;
import org.thplab.mm.spi.reclaim.ShrinkSlab.Scan;
import org.thplab.policy.reclaimlrushrinker.LruShrinker;

/**
 * lru-shrinker with the kernel's scan arithmetic on a real machine: the core's count of the
 * reservation LRU (what the RFC's thp_resvs_shrink_count() returns) is the LRU's length at every
 * reclaim call, a small LRU is left alone by kswapd's high priorities and released once the
 * priority is low enough, and the machine stays consistent.
 */
class ShrinkerArithmeticTest {
    static final long M = 1L << 20;

    /** lru-shrinker at scan=6.18, checking the count against the LRU at each call. */
    static final class Checked implements ReclaimPolicy {
        final LruShrinker inner = new LruShrinker(Scan.LINUX_6_18);
        final List<Long> counts = new ArrayList<>();

        @Override
        public long reclaim(ReclaimContext ctx, long target) {
            long n = ctx.reservationLruLength();
            assertEquals(ctx.reservationLru(Integer.MAX_VALUE).size(), n, "count_objects() is the LRU's length");
            counts.add(n);
            return inner.reclaim(ctx, target);
        }
    }

    @Test
    void reservationsAreReleasedByTheKernelsArithmeticAndTheCountStaysTrue() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        Checked policy = new Checked();
        rt.register("reclaim", "checked-6.18", policy);
        rt.defaultMachine().policyAdmin().usePolicy("fault", "reservation");
        rt.defaultMachine().policyAdmin().usePolicy("reclaim", "checked-6.18");
        rt.defaultMachine().policyAdmin().usePolicy("promotion", "-khugepaged");
        MachineOps mm = rt.defaultMachine().ops();
        mm.boot(64 * M, 0, 1);
        mm.spawn("p");
        mm.mmap("p", "r", 32 * M);
        for (long off = 0; off < 32 * M; off += 2 * M) {
            assertTrue(mm.touch("p", "r", off, 4096, true).ok()); // a reservation per 2 MiB
        }
        long reserved = mm.vmstat().get("nr_thp_reserved");
        assertTrue(reserved >= 15 * 511, "reserved " + reserved);
        // Pressure: base pages (MADV_NOHUGEPAGE) until reclaim has had to release reservations.
        mm.spawn("hog");
        mm.mmap("hog", "h", 40 * M);
        assertTrue(mm.madvise("hog", "h", 0, 40 * M, Advice.NOHUGEPAGE).ok());
        assertTrue(mm.touch("hog", "h", 0, 40 * M, true).ok());
        assertTrue(!policy.counts.isEmpty(), "reclaim ran");
        assertTrue(mm.vmstat().get("nr_thp_reserved") < reserved, "reservations were released");
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "r"));
        assertEquals(0, mm.verify("hog", "h"));
    }
}
