package org.thplab.mm.spi.reclaim;

import java.util.function.LongUnaryOperator;
import org.thplab.mm.spi.ReservationInfo;

/**
 * The THP shrinkers of one reclaim pass in the order shrink_slab() (mm/shrinker.c) runs them for
 * thplab: the reservation shrinker (the 2018 RFC's: reservations in LRU order), the deferred split
 * shrinker (deferred_split_scan() in batches of {@link #SHRINK_BATCH}) and the huge zero page
 * shrinker (shrink_huge_zero_page_scan()), each until the pass's target is met. Linux scans
 * {@code freeable >> priority} objects of a shrinker per reclaim pass, so a short queue waits for a
 * low priority; thplab has no priorities and, by default ({@link Scan#TARGET}), scans until the
 * target is met. {@link #run(ReclaimContext, long, Shrinkers)} runs the kernel's arithmetic
 * instead: the reclaim priority loop and do_shrink_slab() of Linux 4.19 or 6.18 ({@link Scan}).
 *
 * <p>Here, in the SPI, so that the bundled {@code lru-shrinker} and {@code underused} reclaim
 * policies (and a third party's) run the same pass without depending on each other's bundle; they
 * differ only in the threshold thp_underused() judges against.
 */
public final class ShrinkSlab {
    /** SHRINK_BATCH of mm/shrinker.c: objects a shrinker scans per call. */
    public static final int SHRINK_BATCH = 128;
    /** Reservations taken from the head of the reservation LRU per look. */
    static final int RESERVATION_BATCH = 16;
    /** DEF_PRIORITY of mm/vmscan.c: the first priority of a reclaim pass (sc->priority). */
    public static final int DEF_PRIORITY = 12;
    /** DEFAULT_SEEKS of include/linux/shrinker.h: the seeks of the three THP shrinkers. */
    public static final int DEFAULT_SEEKS = 2;
    /** HPAGE_PMD_NR: what shrink_huge_zero_page_count() returns while only the shrinker holds the page. */
    private static final int HPAGE_PMD_NR = 512;
    /** Meaning "thp_underused() reads khugepaged/max_ptes_none", for {@link #run(ReclaimContext, long, int)}. */
    private static final int TUNABLE = -1;

    private ShrinkSlab() {
    }

    /**
     * One pass with thp_underused() against {@code khugepaged/max_ptes_none}
     * ({@link ReclaimContext#splitDeferred(long)}): Linux's.
     *
     * @return base pages freed
     */
    public static long run(ReclaimContext ctx, long target) {
        return pass(ctx, target, TUNABLE);
    }

    /**
     * One pass with thp_underused() against {@code maxPtesNone}
     * ({@link ReclaimContext#splitDeferred(long, int)}, 0 to 512).
     *
     * @return base pages freed
     */
    public static long run(ReclaimContext ctx, long target, int maxPtesNone) {
        if (maxPtesNone < 0 || maxPtesNone > 512) {
            throw new IllegalArgumentException("maxPtesNone " + maxPtesNone + " is not in 0..512");
        }
        return pass(ctx, target, maxPtesNone);
    }

    private static long pass(ReclaimContext ctx, long target, int maxPtesNone) {
        long freed = 0;
        // The reservation shrinker's scan_objects() in batches from the head of the LRU.
        while (freed < target) {
            var batch = ctx.reservationLru(RESERVATION_BATCH);
            if (batch.isEmpty()) {
                break;
            }
            for (ReservationInfo r : batch) {
                if (freed >= target) {
                    break;
                }
                freed += ctx.releaseReservation(r.mm(), r.address());
            }
        }
        // deferred_split_scan() in batches of SHRINK_BATCH. Since 6.12 the queue holds every THP;
        // a scan takes each entry off it, splitting the partially mapped and the underused ones,
        // so the loop ends with the queue at the latest.
        while (freed < target && ctx.deferredSplitQueued() > 0) {
            freed += maxPtesNone == TUNABLE ? ctx.splitDeferred(SHRINK_BATCH)
                    : ctx.splitDeferred(SHRINK_BATCH, maxPtesNone);
        }
        if (freed < target) {
            freed += ctx.shrinkHugeZeroPage();
        }
        return freed;
    }

    /**
     * How a shrinker pass decides how much to scan.
     *
     * @since 2.2
     */
    public enum Scan {
        /** thplab's pass: each shrinker in turn until the pass's target is met, no priorities. */
        TARGET("target"),
        /**
         * do_shrink_slab() of Linux 4.19 (mm/vmscan.c): total_scan = nr_deferred + delta, delta =
         * (freeable >> priority) * 4 / seeks raised to min(freeable, SHRINK_BATCH) ("mm: slowly
         * shrink slabs with a relatively small number of objects", 172b06c32b94, in 4.19, reverted
         * in 5.0 by a9a238e83fbb), limited to freeable / 2 when delta &lt; freeable / 4 and to
         * 2 * freeable; next_deferred = total_scan - scanned.
         */
        LINUX_4_19("4.19"),
        /**
         * do_shrink_slab() of Linux 6.18 (mm/shrinker.c): total_scan = (nr_deferred >> priority) +
         * delta, delta = (freeable >> priority) * 4 / seeks, limited to 2 * freeable; next_deferred
         * = nr_deferred + delta - scanned, in 0..2 * freeable ("mm: vmscan: shrink deferred objects
         * proportional to priority", Yang Shi, Linux 5.13).
         */
        LINUX_6_18("6.18");

        private final String value;

        Scan(String value) {
            this.value = value;
        }

        /** @return the value a configuration writes: target, 4.19 or 6.18 */
        public String value() {
            return value;
        }

        /** @return the Scan written {@code value} */
        public static Scan of(String value) {
            for (Scan s : values()) {
                if (s.value.equals(value)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("scan must be target, 4.19 or 6.18, not '" + value + "'");
        }
    }

    /**
     * One registered shrinker's state across passes: its {@code nr_deferred} (one node: thplab has
     * one), and what its last do_shrink_slab() call computed.
     *
     * @since 2.2
     */
    public static final class Shrinker {
        private final Scan scan;
        private final int seeks;
        private final int batch;
        private long nrDeferred;
        private long lastTotalScan;
        private long lastScanned;

        /** A shrinker with DEFAULT_SEEKS and batch 0 (SHRINK_BATCH), as the three THP shrinkers are. */
        public Shrinker(Scan scan) {
            this(scan, DEFAULT_SEEKS, SHRINK_BATCH);
        }

        /**
         * @param seeks shrinker->seeks; 0 means delta = freeable / 2
         * @param batch shrinker->batch, SHRINK_BATCH when 0
         */
        public Shrinker(Scan scan, int seeks, int batch) {
            if (scan == Scan.TARGET) {
                throw new IllegalArgumentException("a Shrinker runs the kernel's arithmetic: 4.19 or 6.18");
            }
            if (seeks < 0 || batch < 0) {
                throw new IllegalArgumentException("seeks and batch must not be negative");
            }
            this.scan = scan;
            this.seeks = seeks;
            this.batch = batch == 0 ? SHRINK_BATCH : batch;
        }

        /** @return shrinker->nr_deferred: the scan work carried to the next call */
        public long nrDeferred() {
            return nrDeferred;
        }

        /** @return the total_scan the last call started with (after its limits) */
        public long lastTotalScan() {
            return lastTotalScan;
        }

        /** @return the objects the last call scanned */
        public long lastScanned() {
            return lastScanned;
        }

        /**
         * do_shrink_slab(): {@code freeable} is count_objects(); scan_objects() is called with
         * nr_to_scan = min(batch, total_scan) while total_scan &gt;= batch or total_scan &gt;=
         * freeable (a cache smaller than a batch is scanned whole once total_scan reaches it), each
         * call taken as scanning all it was asked (shrinkctl-&gt;nr_scanned left as set); the work
         * not done goes to {@code nr_deferred}. With {@code freeable} 0 nothing happens and
         * nr_deferred is kept (the kernel returns before xchg_nr_deferred()).
         *
         * @param scanObjects scan_objects(nr_to_scan), returning what it freed (thplab: base pages)
         * @return the sum of what scan_objects() returned
         */
        public long doShrinkSlab(long freeable, int priority, LongUnaryOperator scanObjects) {
            if (priority < 0 || priority > DEF_PRIORITY) {
                throw new IllegalArgumentException("priority " + priority + " is not in 0.." + DEF_PRIORITY);
            }
            lastTotalScan = 0;
            lastScanned = 0;
            if (freeable <= 0) {
                return 0;
            }
            long nr = nrDeferred; // xchg_nr_deferred()
            nrDeferred = 0;
            long delta;
            if (seeks != 0) {
                delta = (freeable >> priority) * 4 / seeks;
            } else {
                delta = freeable / 2;
            }
            long totalScan;
            long nextDeferred = 0;
            if (scan == Scan.LINUX_4_19) {
                // 172b06c32b94: some pressure at the default priority even on a small cache.
                delta = Math.max(delta, Math.min(freeable, batch));
                totalScan = nr + delta;
                nextDeferred = totalScan;
                // No windup: the whole cache only when a large delta is computed directly.
                if (delta < freeable / 4) {
                    totalScan = Math.min(totalScan, freeable / 2);
                }
                totalScan = Math.min(totalScan, 2 * freeable);
            } else {
                totalScan = (nr >> priority) + delta;
                totalScan = Math.min(totalScan, 2 * freeable);
            }
            lastTotalScan = totalScan;
            long freed = 0;
            long scanned = 0;
            while (totalScan >= batch || totalScan >= freeable) {
                long nrToScan = Math.min(batch, totalScan);
                freed += scanObjects.applyAsLong(nrToScan);
                totalScan -= nrToScan;
                scanned += nrToScan;
                if (nrToScan == 0) {
                    break; // total_scan 0 with freeable 0 cannot happen here; kept from looping
                }
            }
            lastScanned = scanned;
            if (scan == Scan.LINUX_4_19) {
                nextDeferred = nextDeferred >= scanned ? nextDeferred - scanned : 0;
            } else {
                nextDeferred = Math.max(nr + delta - scanned, 0);
                nextDeferred = Math.min(nextDeferred, 2 * freeable);
            }
            nrDeferred += nextDeferred; // add_nr_deferred()
            return freed;
        }
    }

    /**
     * The THP shrinkers of one machine, each with its nr_deferred: the RFC's reservation shrinker
     * (thp_resvs_shrinker), the deferred split shrinker and the huge zero page shrinker, all
     * DEFAULT_SEEKS and SHRINK_BATCH. A reclaim policy keeps one per machine (per
     * {@link ReclaimContext}) for as long as it runs.
     *
     * @since 2.2
     */
    public static final class Shrinkers {
        public final Scan scan;
        public final Shrinker reservations;
        public final Shrinker deferredSplit;
        public final Shrinker hugeZeroPage;

        public Shrinkers(Scan scan) {
            this.scan = scan;
            this.reservations = new Shrinker(scan);
            this.deferredSplit = new Shrinker(scan);
            this.hugeZeroPage = new Shrinker(scan);
        }
    }

    /**
     * One reclaim pass with the kernel's arithmetic: the priority loop of do_try_to_free_pages()
     * (direct reclaim: DEF_PRIORITY down to 0) or balance_pgdat() (kswapd: down to 1), each
     * priority calling shrink_slab(), which calls do_shrink_slab() for each THP shrinker in turn
     * (reservations, deferred split, huge zero page). What the shrinkers free is not
     * sc-&gt;nr_reclaimed (only slab pages freed through reclaim_state are, and these shrinkers
     * free user pages), so direct reclaim goes on to priority 0 whatever they free; kswapd stops
     * once the node is balanced, which is when the pass's {@code target} (the high watermark) is
     * met. The reservation shrinker's scan_objects() is list_lru_shrink_walk() over nr_to_scan
     * reservations from the head of the LRU, each released (thp_lru_free_reservation());
     * deferred_split_scan() takes nr_to_scan THPs off the queue; shrink_huge_zero_page_count() is
     * taken as HPAGE_PMD_NR (thplab's context does not say whether the page is in use: scanning it
     * then frees nothing).
     *
     * @param shrinkers the machine's shrinkers, {@link Scan#LINUX_4_19} or {@link Scan#LINUX_6_18}
     * @return base pages freed
     * @since 2.2
     */
    public static long run(ReclaimContext ctx, long target, Shrinkers shrinkers) {
        long freed = 0;
        int lowest = ctx.direct() ? 0 : 1;
        for (int priority = DEF_PRIORITY; priority >= lowest; priority--) {
            freed += shrinkers.reservations.doShrinkSlab(ctx.reservationLruLength(), priority,
                    n -> releaseFromHead(ctx, n));
            freed += shrinkers.deferredSplit.doShrinkSlab(ctx.deferredSplitQueued(), priority, ctx::splitDeferred);
            freed += shrinkers.hugeZeroPage.doShrinkSlab(HPAGE_PMD_NR, priority, n -> ctx.shrinkHugeZeroPage());
            if (!ctx.direct() && freed >= target) {
                break; // balance_pgdat(): pgdat_balanced()
            }
        }
        return freed;
    }

    /** thp_resvs_shrink_scan(): list_lru_shrink_walk() releases up to n reservations from the head. */
    private static long releaseFromHead(ReclaimContext ctx, long n) {
        long freed = 0;
        for (ReservationInfo r : ctx.reservationLru((int) Math.min(n, Integer.MAX_VALUE))) {
            freed += ctx.releaseReservation(r.mm(), r.address());
        }
        return freed;
    }
}
