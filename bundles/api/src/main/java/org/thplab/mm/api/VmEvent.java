package org.thplab.mm.api;

import java.util.Locale;

/**
 * Event counters of /proc/vmstat, in the kernel's order ({@code vmstat_text[]} in mm/vmstat.c of
 * Linux 6.18) and with the kernel's names ({@link #counterName()}), plus the reservation RFC's
 * counters at the end. Gauges such as {@code nr_free_pages} are computed from machine state and
 * are not listed here. Every THP event counter of the kernel is here, also those that cannot
 * move in the model (no memcg, no page cache or file THP, no PUD-sized THP, no THP migration):
 * they read 0, as on a kernel whose workload never takes those paths.
 */
public enum VmEvent {
    PSWPIN, PSWPOUT,
    /**
     * Reclaim: direct reclaim entries (try_to_free_pages()), pages reclaimed and pages scanned on
     * the anonymous LRU by kswapd and by direct reclaim, and kswapd's balance_pgdat() runs.
     * MADV_PAGEOUT and the reclaim policy's release of THP reservations are not LRU reclaim and
     * do not count here.
     *
     * @since 1.1
     */
    ALLOCSTALL_NORMAL,
    PGFAULT, PGMAJFAULT,
    PGSTEAL_KSWAPD, PGSTEAL_DIRECT, PGSCAN_KSWAPD, PGSCAN_DIRECT, PGSCAN_ANON, PGSTEAL_ANON,
    PAGEOUTRUN, OOM_KILL,
    PGMIGRATE_SUCCESS, PGMIGRATE_FAIL,
    /**
     * THP migration (migrate_pages() of a PMD-sized folio): always 0, thplab's compaction
     * migrates base pages only.
     *
     * @since 2.1
     */
    THP_MIGRATION_SUCCESS, THP_MIGRATION_FAIL, THP_MIGRATION_SPLIT,
    COMPACT_MIGRATE_SCANNED, COMPACT_FREE_SCANNED, COMPACT_STALL, COMPACT_FAIL, COMPACT_SUCCESS,
    COMPACT_DAEMON_WAKE,
    THP_FAULT_ALLOC, THP_FAULT_FALLBACK,
    /**
     * A THP fault whose memcg charge failed: always 0, there is no memcg.
     *
     * @since 2.1
     */
    THP_FAULT_FALLBACK_CHARGE,
    THP_COLLAPSE_ALLOC, THP_COLLAPSE_ALLOC_FAILED,
    /**
     * File THPs (page cache): always 0, there is no page cache.
     *
     * @since 2.1
     */
    THP_FILE_ALLOC, THP_FILE_FALLBACK, THP_FILE_FALLBACK_CHARGE, THP_FILE_MAPPED,
    THP_SPLIT_PAGE, THP_SPLIT_PAGE_FAILED, THP_DEFERRED_SPLIT_PAGE,
    /**
     * THPs split by the deferred split shrinker because thp_underused() found more zero-filled
     * subpages than {@code khugepaged/max_ptes_none} (Linux 6.12).
     *
     * @since 2.1
     */
    THP_UNDERUSED_SPLIT_PAGE,
    THP_SPLIT_PMD,
    THP_SCAN_EXCEED_NONE_PTE, THP_SCAN_EXCEED_SWAP_PTE, THP_SCAN_EXCEED_SHARE_PTE,
    /**
     * PUD splits: always 0, there are no PUD-sized THPs.
     *
     * @since 2.1
     */
    THP_SPLIT_PUD,
    THP_ZERO_PAGE_ALLOC, THP_ZERO_PAGE_ALLOC_FAILED, THP_SWPOUT, THP_SWPOUT_FALLBACK,
    THP_RES_ALLOC, THP_RES_ALLOC_FAILED;

    private final String counterName = name().toLowerCase(Locale.ROOT);

    /** @return the name /proc/vmstat prints, e.g. {@code thp_fault_alloc} */
    public String counterName() {
        return counterName;
    }
}
