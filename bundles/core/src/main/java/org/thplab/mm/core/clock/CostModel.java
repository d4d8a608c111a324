package org.thplab.mm.core.clock;

/**
 * What each mechanism costs in simulated nanoseconds. The figures are round numbers in the range
 * measured on current x86-64 servers (zeroing at about 16 GiB/s, copying at about 10 GiB/s, a
 * minor fault's trap and bookkeeping at about half a microsecond, an SSD swap read at tens of
 * microseconds); they are documented in docs/cost-model.md. They order mechanisms correctly
 * (a 2 MiB copy costs 512 4 KiB copies; a TLB shootdown costs more than a PTE update); they do
 * not pretend to predict one machine's latencies.
 */
public final class CostModel {
    /** Trap, handle_mm_fault() and the PTE or PMD update of one fault. */
    public static final long FAULT = 500;
    public static final long ZERO_4K = 250;
    public static final long ZERO_2M = ZERO_4K * 512;
    public static final long COPY_4K = 400;
    public static final long COPY_2M = COPY_4K * 512;
    /** A TLB flush with shootdown of the mm's CPUs. */
    public static final long TLB_FLUSH = 1_000;
    /** Splitting a PMD into 512 PTEs (withdraw the deposited table, fill it). */
    public static final long SPLIT_PMD = 2_000;
    /** Splitting a folio (unmap, freeze, remap). */
    public static final long SPLIT_FOLIO = 10_000;
    /** Writing one base page to swap (submission; the I/O completes in the background). */
    public static final long SWAP_OUT_4K = 5_000;
    /** A major fault: reading one base page back from swap. */
    public static final long SWAP_IN_4K = 20_000;
    /** Unmapping, copying and remapping one base page during compaction. */
    public static final long MIGRATE_4K = COPY_4K + 1_000;
    /** Looking at one pageblock in the compaction scanners. */
    public static final long COMPACT_SCAN_BLOCK = 100;
    /** khugepaged or MADV_COLLAPSE reading the 512 PTEs of one range (hpage_collapse_scan_pmd()). */
    public static final long SCAN_PMD = 1_000;
    /** Taking the mmap lock for write (no contention is simulated). */
    public static final long MMAP_LOCK = 100;
    /**
     * Waking a daemon's kernel thread and switching to it (a promoter's wake): its work takes
     * time even when it finds nothing to do.
     */
    public static final long DAEMON_WAKE = 1_000;
    /** Reclaim looking at one page (LRU / rmap walk). */
    public static final long RECLAIM_SCAN = 50;

    private CostModel() {
    }
}
