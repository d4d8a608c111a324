package org.thplab.mm.core.pagetable;

/**
 * One PTE table: 512 entries encoded by {@link Pte}. A table with few entries in use is kept
 * sparse (one entry inline, up to seven more in small arrays) and becomes a dense
 * {@code long[512]} when it fills, so that a machine whose page tables map one page per 2 MiB
 * (the reservation RFC's fork test) does not cost 4 KiB of heap per simulated page table.
 * Entries that are {@link Pte#NONE} are not stored.
 */
public final class PteTable {
    private static final int SPARSE_MAX = 7;
    private long[] dense;
    private int i0 = -1;
    private long v0;
    private short[] idx;
    private long[] val;
    private int n;
    /** The PMD table and slot this table is installed in (PmdTable.install), whose read-hit bits a change clears; null when in none. */
    PageTable.PmdTable owner;
    int slot;

    /** @return entry {@code j} (0..511) */
    public long get(int j) {
        long[] d = dense;
        return d != null ? d[j] : getSparse(j);
    }

    /**
     * @return whether the table is a full {@code long[512]}: only then do loads keep read-hit bits
     *     (a sparse table is a few entries inline, as cheap to read as a bit, and the 32 KiB of
     *     bits per GiB would double the heap of a process that maps one page per 2 MiB)
     */
    public boolean dense() {
        return dense != null;
    }

    // The dense case is what faults see almost always: kept small so that the JIT inlines it.
    private long getSparse(int j) {
        if (j == i0) {
            return v0;
        }
        for (int k = 0; k < n; k++) {
            if (idx[k] == j) {
                return val[k];
            }
        }
        return Pte.NONE;
    }

    /** Sets entry {@code j} to {@code v}. */
    public void set(int j, long v) {
        PageTable.PmdTable o = owner;
        if (o != null) {
            o.changed(slot, j);
        }
        long[] d = dense;
        if (d != null) {
            d[j] = v;
        } else {
            setSparse(j, v);
        }
    }

    private void setSparse(int j, long v) {
        if (j == i0) {
            if (v != Pte.NONE) {
                v0 = v;
            } else if (n > 0) {
                n--;
                i0 = idx[n];
                v0 = val[n];
            } else {
                i0 = -1;
            }
            return;
        }
        for (int k = 0; k < n; k++) {
            if (idx[k] == j) {
                if (v != Pte.NONE) {
                    val[k] = v;
                } else {
                    n--;
                    idx[k] = idx[n];
                    val[k] = val[n];
                }
                return;
            }
        }
        if (v == Pte.NONE) {
            return;
        }
        if (i0 < 0) {
            i0 = j;
            v0 = v;
        } else if (n < SPARSE_MAX) {
            if (idx == null) {
                idx = new short[SPARSE_MAX];
                val = new long[SPARSE_MAX];
            }
            idx[n] = (short) j;
            val[n] = v;
            n++;
        } else {
            long[] d = new long[512];
            d[i0] = v0;
            for (int k = 0; k < n; k++) {
                d[idx[k]] = val[k];
            }
            d[j] = v;
            dense = d;
            idx = null;
            val = null;
            n = 0;
            i0 = -1;
        }
    }

    /** Sets every entry to {@code v} (the split of a huge PMD). */
    public void fill(long v) {
        if (owner != null) {
            owner.forget(slot);
        }
        if (v == Pte.NONE) {
            dense = null;
            i0 = -1;
            n = 0;
            return;
        }
        long[] d = new long[512];
        java.util.Arrays.fill(d, v);
        dense = d;
        idx = null;
        val = null;
        n = 0;
        i0 = -1;
    }

    /** @return entries {@code from..to-1} whose kind is {@code kind} (a smaps-like walk: one pass over a dense table) */
    public int count(int from, int to, int kind) {
        long[] d = dense;
        int c = 0;
        if (d != null) {
            for (int j = from; j < to; j++) {
                c += (d[j] & Pte.KIND_MASK) == kind ? 1 : 0;
            }
            return c;
        }
        if (i0 >= from && i0 < to && (v0 & Pte.KIND_MASK) == kind) {
            c++;
        }
        for (int k = 0; k < n; k++) {
            if (idx[k] >= from && idx[k] < to && (val[k] & Pte.KIND_MASK) == kind) {
                c++;
            }
        }
        return c;
    }
}
