package org.thplab.mm.core.folio;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;

import java.util.Arrays;
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
 * <p>A partially mapped mTHP goes on the deferred split queue with the PMD-sized folios, in one
 * order (a sequence number per entry; the second tail's refcount, 0 for every tail otherwise,
 * holds its entry's number plus one while it is queued). Not modelled: reclaim splits an mTHP
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
    /** The deferred split queue's mTHP entries, oldest first from qHead: head frame and sequence number. */
    private int[] qPfn = new int[64];
    private int[] qSeq = new int[64];
    private int qHead;
    private int qTail;
    private long queued;
    /** The deferred split queue's next sequence number, shared with the PMD-sized entries. */
    private int seq;

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

    /**
     * One more PTE of {@code mm} maps page {@code p} of the folio at {@code h}; its refcount is counted already.
     *
     * @return whether the page was mapped by nothing before
     */
    boolean addPte(int h, int p, int mm) {
        boolean first = f.map[p]++ == 0;
        if (first) {
            f.owner[h + 1]++;
        }
        loadIds(h);
        MmIds.add(s, mm, 1, f.ref[h]);
        storeIds(h);
        return first;
    }

    /**
     * {@code nr} PTEs of {@code mm} from page {@code p} map it no more; its refcount is counted
     * already. A folio left mapped in part is flagged partially mapped, the first time counted
     * (deferred_split_folio(folio, true)).
     *
     * @return the pages nothing maps any more
     */
    int removePtes(int h, int p, int nr, int mm) {
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
            enqueue(h);
        }
        return unmapped;
    }

    /** @return the next sequence number of the deferred split queue */
    int nextSeq() {
        return seq++;
    }

    /** Puts the mTHP at {@code h} at the tail of the deferred split queue unless it is on it. */
    private void enqueue(int h) {
        if (f.ref[h + 2] != 0) {
            return;
        }
        if (qTail == qPfn.length) {
            int live = qTail - qHead;
            if (live * 2 > qPfn.length) {
                qPfn = Arrays.copyOf(qPfn, qPfn.length * 2);
                qSeq = Arrays.copyOf(qSeq, qSeq.length * 2);
            }
            System.arraycopy(qPfn, qHead, qPfn, 0, live);
            System.arraycopy(qSeq, qHead, qSeq, 0, live);
            qHead = 0;
            qTail = live;
        }
        int n = nextSeq();
        qPfn[qTail] = h;
        qSeq[qTail++] = n;
        f.ref[h + 2] = n + 1;
        queued++;
    }

    /** Takes the mTHP at {@code h} off the deferred split queue (its entry is skipped when reached). */
    void dequeue(int h) {
        if (f.ref[h + 2] != 0) {
            f.ref[h + 2] = 0;
            queued--;
        }
    }

    /** @return the oldest mTHP on the deferred split queue, or -1; {@link #peekSeq()} is its number */
    int peek() {
        while (qHead < qTail) {
            int h = qPfn[qHead];
            if (f.mthp(h) && f.head(h) == h && f.ref[h + 2] == qSeq[qHead] + 1) {
                return h;
            }
            qHead++; // dequeued since, or freed
        }
        return -1;
    }

    int peekSeq() {
        return qSeq[qHead];
    }

    /** @return mTHPs on the deferred split queue */
    long queued() {
        return queued;
    }

    /** @return true when the mTHP at {@code h} is on the deferred split queue */
    public boolean deferred(int h) {
        return f.ref[h + 2] != 0;
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
        dequeue(h);
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
