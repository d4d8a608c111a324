package org.thplab.mm.core.vma;

/**
 * The content oracle of one 2 MiB chunk of a region: the token last written to each of its 512
 * pages (0: never written, reads zeroes). Like a {@code PteTable} it is sparse while few pages
 * are written (one entry inline, up to seven more in small arrays) and becomes a dense
 * {@code int[512]} when it fills; it holds ints, not PTEs, so a written chunk costs 2 KiB.
 */
final class ContentTable {
    private static final int SPARSE_MAX = 7;
    private int[] dense;
    private int i0 = -1;
    private int v0;
    private short[] idx;
    private int[] val;
    private int n;

    /** @return the token of page {@code j} (0..511), 0 when never written */
    int get(int j) {
        int[] d = dense;
        if (d != null) {
            return d[j];
        }
        if (j == i0) {
            return v0;
        }
        for (int k = 0; k < n; k++) {
            if (idx[k] == j) {
                return val[k];
            }
        }
        return 0;
    }

    /** Records token {@code v} for page {@code j}; 0 forgets it. */
    void set(int j, int v) {
        int[] d = dense;
        if (d != null) {
            d[j] = v;
        } else {
            setSparse(j, v);
        }
    }

    private void setSparse(int j, int v) {
        if (j == i0) {
            if (v != 0) {
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
                if (v != 0) {
                    val[k] = v;
                } else {
                    n--;
                    idx[k] = idx[n];
                    val[k] = val[n];
                }
                return;
            }
        }
        if (v == 0) {
            return;
        }
        if (i0 < 0) {
            i0 = j;
            v0 = v;
        } else if (n < SPARSE_MAX) {
            if (idx == null) {
                idx = new short[SPARSE_MAX];
                val = new int[SPARSE_MAX];
            }
            idx[n] = (short) j;
            val[n] = v;
            n++;
        } else {
            int[] d = new int[512];
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

    /** @return a table with the same tokens (fork's copy), dense or sparse as this one */
    ContentTable copy() {
        ContentTable c = new ContentTable();
        if (dense != null) {
            c.dense = dense.clone();
        } else {
            c.i0 = i0;
            c.v0 = v0;
            c.n = n;
            if (idx != null) {
                c.idx = idx.clone();
                c.val = val.clone();
            }
        }
        return c;
    }
}
