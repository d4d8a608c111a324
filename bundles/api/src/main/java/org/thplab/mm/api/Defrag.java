package org.thplab.mm.api;

/** Values of /sys/kernel/mm/transparent_hugepage/defrag (see vma_thp_gfp_mask() in mm/huge_memory.c). */
public enum Defrag {
    /** Direct reclaim and compaction for every THP allocation. */
    ALWAYS("always"),
    /** Wake kswapd/kcompactd and fail now. */
    DEFER("defer"),
    /** Direct for MADV_HUGEPAGE regions, defer for the rest. */
    DEFER_MADVISE("defer+madvise"),
    /** Direct for MADV_HUGEPAGE regions, nothing for the rest. */
    MADVISE("madvise"),
    /** Never stall: take a huge page only when one is free. */
    NEVER("never");

    private final String sysfs;

    Defrag(String sysfs) {
        this.sysfs = sysfs;
    }

    /** @return the sysfs spelling, e.g. {@code defer+madvise} */
    public String sysfs() {
        return sysfs;
    }
}
