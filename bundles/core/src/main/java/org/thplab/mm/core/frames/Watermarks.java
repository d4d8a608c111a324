package org.thplab.mm.core.frames;

/**
 * min_free_kbytes and the watermarks of the machine's one zone, as Linux 6.18 computes them:
 * calculate_min_free_kbytes() and __setup_per_zone_wmarks() (mm/page_alloc.c) at boot and on a
 * write of vm.min_free_kbytes or vm.watermark_scale_factor, and set_recommended_min_free_kbytes()
 * (mm/khugepaged.c), which start_stop_khugepaged() runs at boot (hugepage_init()) and after
 * every write of a THP {@code enabled} knob: while PMD-sized THPs are enabled it raises
 * min_free_kbytes to 11 pageblocks per zone (capped at 5% of the pages above the high
 * watermark), and while they are not it computes the value afresh.
 */
public final class Watermarks {
    /** MIGRATE_PCPTYPES: the kernel's three per-CPU migratetypes, which the recommendation counts (thplab models two). */
    private static final int MIGRATE_PCPTYPES = 3;
    /** The kernel's initial value (mm/page_alloc.c), what vm.min_free_kbytes reads before a boot. */
    public static final long BOOT_MIN_FREE_KBYTES = 1024;
    public static final int DEFAULT_WATERMARK_SCALE_FACTOR = 10;

    private final long managed;
    private long minFreeKbytes = BOOT_MIN_FREE_KBYTES;
    private long min;
    private long low;
    private long high;
    private long promo;
    /** The value calculate_min_free_kbytes() last computed and did not set (the user's was larger), or -1. */
    private long notUpdated = -1;

    /** @param managed the zone's managed pages: what the buddy allocator was given, without reserved memory */
    public Watermarks(long managed) {
        this.managed = managed;
    }

    /** @return min_free_kbytes */
    public long minFreeKbytes() {
        return minFreeKbytes;
    }

    /** @return WMARK_MIN in pages */
    public long min() {
        return min;
    }

    /** @return WMARK_LOW in pages */
    public long low() {
        return low;
    }

    /** @return WMARK_HIGH in pages */
    public long high() {
        return high;
    }

    /** @return WMARK_PROMO in pages (memory tiering's promotion watermark: unused here, shown by zoneinfo) */
    public long promo() {
        return promo;
    }

    /** @return and forgets the value the last computation did not set because the user's is preferred, or -1 */
    public long takeNotUpdated() {
        long v = notUpdated;
        notUpdated = -1;
        return v;
    }

    /** @return the zone's managed pages */
    public long managed() {
        return managed;
    }

    /** nr_free_buffer_pages(): the managed pages above the high watermark. */
    public long nrFreeBufferPages() {
        return Math.max(0, managed - high);
    }

    /**
     * init_per_zone_wmark_min() at boot, before any watermark is set (so the high one is 0).
     *
     * @param userMinFreeKbytes user_min_free_kbytes: what vm.min_free_kbytes was set to, or -1
     */
    public void init(long userMinFreeKbytes, int scaleFactor) {
        min = low = high = promo = 0;
        minFreeKbytes = userMinFreeKbytes >= 0 ? userMinFreeKbytes : BOOT_MIN_FREE_KBYTES; // a written value outlives the boot
        calculateMinFreeKbytes(userMinFreeKbytes);
        setup(scaleFactor);
    }

    /**
     * calculate_min_free_kbytes(): int_sqrt(lowmem_kbytes * 16) clamped to [128 kB, 256 MiB],
     * unless the value the user wrote is at least that much.
     */
    private void calculateMinFreeKbytes(long userMinFreeKbytes) {
        long v = intSqrt(nrFreeBufferPages() * 4 * 16);
        if (v > userMinFreeKbytes) {
            minFreeKbytes = Math.max(128, Math.min(262144, v));
        } else {
            notUpdated = v;
        }
    }

    /** A write of vm.min_free_kbytes (min_free_kbytes_sysctl_handler()): the value, then setup_per_zone_wmarks(). */
    public void write(long kbytes, int scaleFactor) {
        minFreeKbytes = kbytes;
        setup(scaleFactor);
    }

    /**
     * __setup_per_zone_wmarks() for one zone holding all lowmem: WMARK_MIN is min_free_kbytes in
     * pages, and LOW and HIGH lie one and two steps above it, a step being a quarter of MIN or
     * watermark_scale_factor / 10000 of the zone, whichever is more.
     */
    public void setup(int scaleFactor) {
        min = minFreeKbytes / 4;
        long step = Math.max(min >> 2, managed / 10000 * scaleFactor + managed % 10000 * scaleFactor / 10000); // mult_frac()
        low = min + step;
        high = low + step;
        promo = high + step;
    }

    /**
     * set_recommended_min_free_kbytes().
     *
     * @param pmdEnabled hugepage_pmd_enabled(): PMD-sized anonymous THPs are always or madvise
     * @return the min_free_kbytes it raised, or -1 when it did not raise it
     */
    public long setRecommended(boolean pmdEnabled, long userMinFreeKbytes, int scaleFactor) {
        if (!pmdEnabled) {
            calculateMinFreeKbytes(userMinFreeKbytes);
            setup(scaleFactor);
            return -1;
        }
        int zones = 1;
        // Two pageblocks free to help fragmentation avoidance, and on average two almost free
        // of another type for each pair of the per-CPU migratetypes; at most 5% of lowmem.
        long pages = (2L + MIGRATE_PCPTYPES * MIGRATE_PCPTYPES) * zones << Frames.PAGEBLOCK_ORDER;
        long recommended = Math.min(pages, nrFreeBufferPages() / 20) * 4;
        long raised = -1;
        if (recommended > minFreeKbytes) {
            raised = minFreeKbytes;
            minFreeKbytes = recommended;
        }
        setup(scaleFactor);
        return raised;
    }

    /** int_sqrt(): the floor of the square root. */
    static long intSqrt(long x) {
        long r = (long) Math.sqrt((double) x);
        while (r * r > x) {
            r--;
        }
        while ((r + 1) * (r + 1) <= x) {
            r++;
        }
        return r;
    }
}
