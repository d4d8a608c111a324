package org.thplab.mm.api;

import java.util.Locale;

/**
 * Event counters of /proc/vmstat, in the kernel's order and with the kernel's names
 * ({@link #counterName()}), plus the reservation RFC's counters. Gauges such as
 * {@code nr_free_pages} are computed from machine state and are not listed here.
 */
public enum VmEvent {
    PGFAULT, PGMAJFAULT, PSWPIN, PSWPOUT, PGMIGRATE_SUCCESS, PGMIGRATE_FAIL,
    COMPACT_MIGRATE_SCANNED, COMPACT_FREE_SCANNED, COMPACT_STALL, COMPACT_FAIL, COMPACT_SUCCESS,
    COMPACT_DAEMON_WAKE, OOM_KILL,
    THP_FAULT_ALLOC, THP_FAULT_FALLBACK, THP_COLLAPSE_ALLOC, THP_COLLAPSE_ALLOC_FAILED,
    THP_SPLIT_PAGE, THP_SPLIT_PAGE_FAILED, THP_DEFERRED_SPLIT_PAGE, THP_SPLIT_PMD,
    THP_SCAN_EXCEED_NONE_PTE, THP_SCAN_EXCEED_SWAP_PTE, THP_SCAN_EXCEED_SHARE_PTE,
    THP_ZERO_PAGE_ALLOC, THP_ZERO_PAGE_ALLOC_FAILED, THP_SWPOUT, THP_SWPOUT_FALLBACK,
    THP_RES_ALLOC, THP_RES_ALLOC_FAILED;

    private final String counterName = name().toLowerCase(Locale.ROOT);

    /** @return the name /proc/vmstat prints, e.g. {@code thp_fault_alloc} */
    public String counterName() {
        return counterName;
    }
}
