package org.thplab.mm.core.pagetable;

/**
 * Encoding of page table entries as longs. Bits 0-2 say what the entry is, bits 3-7 are flags,
 * bits 16 and up hold a frame number or a swap slot.
 *
 * <p>A PTE is none, present (a frame, with write/dirty/young/exclusive bits), the zero page, a
 * swap entry or a migration entry. A huge PMD uses the same layout with kind {@link #HUGE} or
 * {@link #HUGE_ZERO}.
 */
public final class Pte {
    public static final long NONE = 0;
    /** Kind of an empty entry. */
    public static final int EMPTY = 0;
    public static final int PRESENT = 1;
    public static final int ZERO = 2;
    public static final int SWAP = 3;
    public static final int MIGRATION = 4;
    /** PMD kinds. */
    public static final int HUGE = 5;
    public static final int HUGE_ZERO = 6;

    public static final long KIND_MASK = 7;
    public static final long WRITE = 1 << 3;
    public static final long DIRTY = 1 << 4;
    public static final long YOUNG = 1 << 5;
    /** PageAnonExclusive of the mapped page: no other process can map it. */
    public static final long EXCLUSIVE = 1 << 6;
    public static final int SHIFT = 16;

    private Pte() {
    }

    public static int kind(long e) {
        return (int) (e & KIND_MASK);
    }

    public static int pfn(long e) {
        return (int) (e >>> SHIFT);
    }

    public static long make(int kind, long flags, int pfnOrSlot) {
        return ((long) pfnOrSlot << SHIFT) | flags | kind;
    }

    public static long withPfn(long e, int pfn) {
        return (e & ((1L << SHIFT) - 1)) | ((long) pfn << SHIFT);
    }

    public static boolean writable(long e) {
        return (e & WRITE) != 0;
    }

    public static boolean young(long e) {
        return (e & YOUNG) != 0;
    }

    public static boolean exclusive(long e) {
        return (e & EXCLUSIVE) != 0;
    }
}
