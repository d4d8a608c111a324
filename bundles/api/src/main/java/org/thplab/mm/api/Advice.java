package org.thplab.mm.api;

/** The madvise(2) advice values thplab simulates, with the kernel's MADV_ names. */
public enum Advice {
    /** MADV_HUGEPAGE: set VM_HUGEPAGE, clear VM_NOHUGEPAGE. */
    HUGEPAGE,
    /** MADV_NOHUGEPAGE: set VM_NOHUGEPAGE, clear VM_HUGEPAGE. */
    NOHUGEPAGE,
    /** MADV_COLLAPSE: synchronous collapse into huge pages (needs a promotion bundle). */
    COLLAPSE,
    /** MADV_DONTNEED: zap the range; later reads see zeroes. */
    DONTNEED,
    /** MADV_PAGEOUT: reclaim the range to swap now. */
    PAGEOUT;

    /** @return the advice for a shell word such as {@code hugepage}, or null */
    public static Advice parse(String word) {
        for (Advice a : values()) {
            if (a.name().equalsIgnoreCase(word)) {
                return a;
            }
        }
        return null;
    }
}
