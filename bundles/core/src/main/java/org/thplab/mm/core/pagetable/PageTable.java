package org.thplab.mm.core.pagetable;

/**
 * The page tables of one address space, sparse: a directory of PMD tables, each covering 1 GiB
 * (512 PMD slots), created on first use. A PMD slot is empty, a huge PMD ({@link #pmd}), or a
 * PTE table ({@link #pte} non-null); either way {@link #tableFrame} holds the frame charged for
 * the PTE table (for a huge PMD, the table deposited for a later split, as on x86).
 */
public final class PageTable {
    /** 1 GiB of virtual address space per directory entry. */
    public static final int DIR_SHIFT = 30;
    public static final int PMD_SHIFT = 21;
    public static final long PMD_SIZE = 1L << PMD_SHIFT;

    /** One 1 GiB piece: 512 PMD slots. */
    public static final class PmdTable {
        public final long[] pmd = new long[512];
        public final PteTable[] pte = new PteTable[512];
        public final int[] tableFrame = new int[512];
        /** Slots that hold a huge PMD or a PTE table. */
        public int used;

        PmdTable() {
            java.util.Arrays.fill(tableFrame, -1);
        }
    }

    private PmdTable[] dir = new PmdTable[16];

    /** Drops every PMD table (the address space is gone; its tables were freed). */
    public void clear() {
        dir = new PmdTable[1];
    }

    /** @return the PMD table covering {@code va}, or null */
    public PmdTable lookup(long va) {
        int d = (int) (va >>> DIR_SHIFT);
        return d < dir.length ? dir[d] : null;
    }

    /** @return the PMD table covering {@code va}, created if absent */
    public PmdTable get(long va) {
        int d = (int) (va >>> DIR_SHIFT);
        if (d >= dir.length) {
            dir = java.util.Arrays.copyOf(dir, Math.max(d + 1, dir.length * 2));
        }
        PmdTable t = dir[d];
        if (t == null) {
            t = new PmdTable();
            dir[d] = t;
        }
        return t;
    }

    /** @return the PMD slot index of {@code va} within its table */
    public static int pmdIndex(long va) {
        return (int) ((va >>> PMD_SHIFT) & 511);
    }

    /** @return the PTE index of {@code va} within its table */
    public static int pteIndex(long va) {
        return (int) ((va >>> 12) & 511);
    }

    /** @return the number of directory slots (for walks) */
    public int dirLength() {
        return dir.length;
    }

    /** @return directory slot {@code d} (may be null) */
    public PmdTable dir(int d) {
        return dir[d];
    }
}
