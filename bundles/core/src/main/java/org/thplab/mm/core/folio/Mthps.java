package org.thplab.mm.core.folio;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;

import org.thplab.mm.core.frames.Frames;

/**
 * Anonymous folios of orders 2 to 8, multi-size THPs (mTHP, Linux 6.8), always mapped by PTEs.
 * Their per-folio state lives in their first tail frames, as the kernel keeps a large folio's in
 * its tail pages (a tail's own rmap fields are its head's, {@link Frames#owner(int)}): the first
 * tail's {@code owner} holds {@code _nr_pages_mapped} and its {@code index} the flags
 * (PG_partially_mapped, the mm slots' maybe-shared bit), the second and third tails' {@code
 * owner} and {@code index} the two mm slots and their mapcounts ({@link MmIds}). Also the
 * per-size counters of {@code hugepages-<size>kB/stats/}.
 *
 * <p>Not modelled: a partially mapped mTHP is flagged and counted ({@code split_deferred}) but
 * not put on the deferred split queue, so the shrinker does not split it; reclaim splits an mTHP
 * rather than swapping it out whole ({@code swpout_fallback}), as the kernel does without a swap
 * device.
 */
public final class Mthps {
    /** hugepages-<size>kB/stats/anon_fault_alloc (count_mthp_stat(MTHP_STAT_ANON_FAULT_ALLOC)). */
    public static final int ANON_FAULT_ALLOC = 0;
    public static final int ANON_FAULT_FALLBACK = 1;
    public static final int SWPOUT_FALLBACK = 2;
    public static final int SPLIT = 3;
    public static final int SPLIT_DEFERRED = 4;
    /** Gauges (mod_mthp_stat()): folios of the size, and those flagged PG_partially_mapped. */
    public static final int NR_ANON = 5;
    public static final int NR_ANON_PARTIALLY_MAPPED = 6;
    private static final int PARTIAL = 1;
    private static final int SHARED = 2;

    private final Frames f;
    private final long[][] stats = new long[HPAGE_PMD_ORDER][7];
    private final int[] s = new int[5];

    Mthps(Frames f) {
        this.f = f;
    }

    /** A new folio of {@code order} at {@code h}, unmapped (folio_prep_large_rmap()). */
    void init(int h, int order, int family, int vpn) {
        Folios.prepLarge(f, h, order, family, vpn);
        f.owner[h + 1] = 0;
        f.index[h + 1] = 0;
        MmIds.reset(s);
        storeIds(h);
        stats[order][NR_ANON]++;
    }

    /** One more PTE of {@code mm} maps page {@code p} of the folio at {@code h}; its refcount is counted already. */
    void addPte(int h, int p, int mm) {
        if (f.map[p]++ == 0) {
            f.owner[h + 1]++;
        }
        loadIds(h);
        MmIds.add(s, mm, 1, f.ref[h]);
        storeIds(h);
    }

    /**
     * {@code nr} PTEs of {@code mm} from page {@code p} map it no more; its refcount is counted
     * already. A folio left mapped in part is flagged partially mapped, the first time counted
     * (deferred_split_folio(folio, true)).
     */
    void removePtes(int h, int p, int nr, int mm) {
        int unmapped = 0;
        for (int k = p; k < p + nr; k++) {
            if (--f.map[k] == 0) {
                unmapped++;
            }
        }
        f.owner[h + 1] -= unmapped;
        loadIds(h);
        MmIds.sub(s, mm, nr, f.ref[h]);
        storeIds(h);
        if (unmapped > 0 && f.owner[h + 1] > 0 && (f.index[h + 1] & PARTIAL) == 0) {
            f.index[h + 1] |= PARTIAL;
            int order = f.order[h];
            stats[order][SPLIT_DEFERRED]++;
            stats[order][NR_ANON_PARTIALLY_MAPPED]++;
        }
    }

    /** @return the maybe-shared bit of the folio at {@code h} */
    boolean shared(int h) {
        return (f.index[h + 1] & SHARED) != 0;
    }

    /** @return pages of the folio at {@code h} mapped by at least one PTE (_nr_pages_mapped) */
    public int pagesMapped(int h) {
        return f.owner[h + 1];
    }

    /** @return true when the folio at {@code h} is flagged PG_partially_mapped */
    public boolean partiallyMapped(int h) {
        return (f.index[h + 1] & PARTIAL) != 0;
    }

    /** The folio at {@code h} is freed or split: it leaves the gauges, its tail frames their state. */
    void gone(int h, boolean split) {
        int order = f.order[h];
        stats[order][NR_ANON]--;
        if (partiallyMapped(h)) {
            stats[order][NR_ANON_PARTIALLY_MAPPED]--;
        }
        if (split) {
            stats[order][SPLIT]++;
        }
        for (int k = 1; k <= 3; k++) {
            f.owner[h + k] = 0;
            f.index[h + k] = 0;
        }
    }

    /** Counts one event of a size. */
    public void count(int order, int stat) {
        stats[order][stat]++;
    }

    /** @return a counter of hugepages-<size>kB/stats/ for an order below the PMD's */
    public long stat(int order, int stat) {
        return stats[order][stat];
    }

    private void loadIds(int h) {
        s[MmIds.ID0] = f.owner[h + 2];
        s[MmIds.ID1] = f.index[h + 2];
        s[MmIds.COUNT0] = f.owner[h + 3];
        s[MmIds.COUNT1] = f.index[h + 3];
        s[MmIds.SHARED] = shared(h) ? 1 : 0;
    }

    private void storeIds(int h) {
        f.owner[h + 2] = s[MmIds.ID0];
        f.index[h + 2] = s[MmIds.ID1];
        f.owner[h + 3] = s[MmIds.COUNT0];
        f.index[h + 3] = s[MmIds.COUNT1];
        f.index[h + 1] = (f.index[h + 1] & ~SHARED) | (s[MmIds.SHARED] != 0 ? SHARED : 0);
    }
}
