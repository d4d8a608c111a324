package org.thplab.mm.core.pagetable;

/**
 * The page tables of one address space, sparse: a directory of PMD tables, each covering 1 GiB
 * (512 PMD slots), created on first use. A PMD slot is empty, a huge PMD ({@link #pmd}), or a
 * PTE table ({@link #pte} non-null); either way {@link #tableFrame} holds the frame charged for
 * the PTE table (for a huge PMD, the table deposited for a later split, as on x86). A PMD table
 * has a frame of its own ({@link PmdTable#frame}), and so has the PUD table above it, one per
 * 512 GiB ({@link #pudFrame}): 4-level x86-64 paging, the P4D folded into the PGD, whose page
 * belongs to the mm itself and is not modelled.
 */
public final class PageTable {
    /** 1 GiB of virtual address space per directory entry. */
    public static final int DIR_SHIFT = 30;
    /** 512 GiB per PUD table. */
    public static final int PGDIR_SHIFT = 39;
    public static final int PMD_SHIFT = 21;
    public static final long PMD_SIZE = 1L << PMD_SHIFT;

    /**
     * One 1 GiB piece: 512 PMD slots. A PTE table enters a slot by {@link #install} and leaves it
     * by {@link #remove}, never by a store into {@link #pte}: the read-hit bits below depend on it.
     */
    public static final class PmdTable {
        public final long[] pmd = new long[512];
        public final PteTable[] pte = new PteTable[512];
        public final int[] tableFrame = new int[512];
        /** The page of this PMD table itself (pmd_alloc_one()), or -1 while none is charged. */
        public int frame = -1;
        /** Slots that hold a huge PMD or a PTE table. */
        public int used;
        /**
         * One bit per page of the 1 GiB, made at the first read hit: set, the page's PTE is known to
         * serve a load without a change (the zero page, or present with the accessed bit set), so
         * that a load finds it here, in 32 KiB per GiB, rather than in the PTE table's 4 KiB (the
         * host's cache misses on a random walk over many tables). Only the access path sets a bit,
         * after reading the PTE; every change of a PTE clears its bit ({@link PteTable#set}), and a
         * table entering or leaving a slot clears the slot's 512. A cache, never the truth: a clear
         * bit sends the load to the PTE.
         */
        long[] readHits;

        PmdTable() {
            java.util.Arrays.fill(tableFrame, -1);
        }

        /** Puts a new PTE table into slot {@code i}. */
        public void install(int i, PteTable t) {
            forget(i);
            t.owner = this;
            t.slot = i;
            pte[i] = t;
        }

        /** Takes the PTE table out of slot {@code i} (it is freed, or the slot becomes a huge PMD). */
        public void remove(int i) {
            PteTable t = pte[i];
            if (t != null) {
                t.owner = null;
            }
            forget(i);
            pte[i] = null;
        }

        /** Every entry of slot {@code i} changed, or its table came or went: loads read the PTEs again. */
        void forget(int i) {
            if (readHits != null) {
                java.util.Arrays.fill(readHits, i * 8, i * 8 + 8, 0L);
            }
        }

        /** @return whether a load of {@code va} (in this table's GiB) is a known read hit */
        public boolean readHit(long va) {
            long[] b = readHits;
            int k = (int) (va >>> 12) & (1 << DIR_SHIFT - 12) - 1;
            return b != null && (b[k >>> 6] & 1L << k) != 0;
        }

        /** A load of entry {@code j} of the table in slot {@code i} needed no change of it: the next one need not read it. */
        public void markReadHit(int i, int j) {
            long[] b = readHits;
            if (b == null) {
                b = new long[512 * 8];
                readHits = b;
            }
            b[i * 8 + (j >>> 6)] |= 1L << j;
        }

        /** Entry {@code j} of slot {@code i} changed: a load must read it again. */
        void changed(int i, int j) {
            long[] b = readHits;
            if (b != null) {
                b[i * 8 + (j >>> 6)] &= ~(1L << j);
            }
        }

        /** @return what is wrong with the read-hit bits (a set one whose PTE would not serve a load unchanged, a table that does not know its slot), or null */
        public String readHitProblem() {
            for (int i = 0; i < 512; i++) {
                if (pte[i] != null && (pte[i].owner != this || pte[i].slot != i)) {
                    return "the PTE table of slot " + i + " is not installed there";
                }
            }
            for (int w = 0; readHits != null && w < readHits.length; w++) {
                for (long bits = readHits[w]; bits != 0; bits &= bits - 1) {
                    int k = w * 64 + Long.numberOfTrailingZeros(bits);
                    PteTable t = pte[k >>> 9];
                    long e = t == null ? Pte.NONE : t.get(k & 511);
                    if (Pte.kind(e) != Pte.ZERO && (Pte.kind(e) != Pte.PRESENT || (e & Pte.YOUNG) == 0)) {
                        return "page " + k + " is marked a read hit but its PTE is 0x" + Long.toHexString(e);
                    }
                }
            }
            return null;
        }
    }

    private PmdTable[] dir = new PmdTable[16];
    /** By 512 GiB (va >>> PGDIR_SHIFT): the frame of its PUD table (pud_alloc_one()), or -1. */
    private int[] pudFrame = {-1};

    /** Drops every PMD table (the address space is gone; its tables were freed). */
    public void clear() {
        dir = new PmdTable[1];
        pudFrame = new int[] {-1};
    }

    /** @return the frame of the PUD table covering {@code va}, or -1 */
    public int pudFrame(long va) {
        int g = (int) (va >>> PGDIR_SHIFT);
        return g < pudFrame.length ? pudFrame[g] : -1;
    }

    /** Records (-1: forgets) the PUD table covering {@code va}. */
    public void setPudFrame(long va, int frame) {
        int g = (int) (va >>> PGDIR_SHIFT);
        if (g >= pudFrame.length) {
            int old = pudFrame.length;
            pudFrame = java.util.Arrays.copyOf(pudFrame, g + 1);
            java.util.Arrays.fill(pudFrame, old, g + 1, -1);
        }
        pudFrame[g] = frame;
    }

    /** Removes the PMD table covering {@code va} (free_pmd_range() freed it). */
    public void drop(long va) {
        int d = (int) (va >>> DIR_SHIFT);
        if (d < dir.length) {
            dir[d] = null;
        }
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
