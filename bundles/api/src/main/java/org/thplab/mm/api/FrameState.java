package org.thplab.mm.api;

/**
 * What a physical frame holds, as the memory map shows it ({@link MemoryMap}): the code of a
 * state is its ordinal, one byte per pixel of the map, and the order below is part of the API
 * (new states are added at the end).
 *
 * @since 2.8
 */
public enum FrameState {
    FREE_0("free, order 0"), FREE_1("free, order 1"), FREE_2("free, order 2"), FREE_3("free, order 3"),
    FREE_4("free, order 4"), FREE_5("free, order 5"), FREE_6("free, order 6"), FREE_7("free, order 7"),
    FREE_8("free, order 8"), FREE_9("free, order 9"), FREE_10("free, order 10"),
    /** An order-0 anonymous folio outside a reservation. */
    ANON("anon 4 KiB"),
    /** A multi-size THP: an anonymous folio of order 2 to 8. */
    MTHP("anon mTHP (order 2-8)"),
    /** A PMD-sized THP mapped by at least one PMD. */
    THP_PMD("THP, PMD-mapped"),
    /** A PMD-sized THP mapped by PTEs only, with all its pages still mapped (after a PMD split). */
    THP_PTE("THP, PTE-mapped"),
    /** A PMD-sized THP that lost some of its mappings: PG_partially_mapped, on the deferred split queue. */
    THP_PARTIAL("THP, partially mapped (deferred split)"),
    /** A base page mapped from a THP reservation's block. */
    RESERVED_USED("reservation, mapped page"),
    /** A page of a reservation's block that is not mapped yet. */
    RESERVED_FREE("reservation, unused page"),
    /** Taken from the free lists by compaction (isolated), not a folio. */
    ISOLATED("isolated (compaction)"),
    PAGE_TABLE("page table"),
    ZERO("zero page"),
    HUGE_ZERO("huge zero page"),
    /** Taken out of use after an uncorrectable memory error (PG_hwpoison). */
    POISONED("poisoned"),
    /** The first pageblock: the kernel image (and the zero page, shown as such). */
    KERNEL("kernel");

    private final String label;

    FrameState(String label) {
        this.label = label;
    }

    /** @return a short description, for a legend */
    public String label() {
        return label;
    }

    /** @return the free state of a buddy block of that order (0 to 10) */
    public static FrameState free(int order) {
        return values()[FREE_0.ordinal() + order];
    }

    /** @return true for a frame on the free lists */
    public boolean free() {
        return ordinal() <= FREE_10.ordinal();
    }

    /** @return true for a frame of a PMD-sized THP, however mapped */
    public boolean thp() {
        return this == THP_PMD || this == THP_PTE || this == THP_PARTIAL;
    }
}
