package org.thplab.mm.spi.alloc;

/** Why the core asks for memory; lets an allocation policy treat THP requests differently. */
public enum AllocPurpose {
    /** A base page of anonymous memory: a fault, a CoW copy, a swap-in. */
    FAULT_BASE,
    /** A PMD-sized page for an anonymous fault (do_huge_pmd_anonymous_page). */
    FAULT_THP,
    /** A PMD-sized page to copy a shared THP into on a write fault. */
    COW_THP,
    /** A PMD-sized page for a collapse by khugepaged (gfp by {@code khugepaged/defrag}). */
    COLLAPSE,
    /** A PMD-sized page for MADV_COLLAPSE (GFP_TRANSHUGE: direct reclaim and compaction). */
    MADV_COLLAPSE,
    /** A PMD-aligned block of base pages to reserve for later faults. */
    RESERVATION,
    /** Unmovable kernel memory: page tables and the huge zero page. */
    KERNEL
}
