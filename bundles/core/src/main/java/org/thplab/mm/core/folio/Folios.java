package org.thplab.mm.core.folio;

import static org.thplab.mm.core.frames.Frames.ANON;
import static org.thplab.mm.core.frames.Frames.ANON_TAIL;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;

import java.util.Arrays;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.stat.VmStat;

/**
 * Folios: rmap accounting (refcount, per-page mapcount, entire mapcount, _nr_pages_mapped),
 * freeing, and the deferred split queue. Splitting is {@link HugeSplit}, unmapping {@link Zap},
 * page tables {@link PageTables}, fork's copy {@link ForkCopy}.
 *
 * <p>Invariant kept by every method here: the refcount of a folio's head equals the number of
 * PTEs plus PMDs that map it (thplab has no pins and no page cache); a folio whose refcount
 * drops to zero is freed at once.
 */
public final class Folios {
    private final Frames f;
    private final Buddy buddy;
    private final VmStat stat;
    private FreeHook freed = pfn -> { };
    /** Base pages held by anonymous folios (nr_anon_pages). */
    public long nrAnon;
    /** PMD-mapped anonymous THPs (nr_anon_transparent_hugepages). */
    public long nrAnonThps;
    /** Deferred split queue: doubly linked through pageblock indices; -2 = not queued. */
    private final int[] dsNext;
    private final int[] dsPrev;
    int dsHead = -1;
    private int dsTail = -1;
    private long dsLen;

    public Folios(Frames f, Buddy buddy, VmStat stat) {
        this.f = f;
        this.buddy = buddy;
        this.stat = stat;
        dsNext = new int[f.nrBlocks];
        dsPrev = new int[f.nrBlocks];
        Arrays.fill(dsPrev, -2);
    }

    /** Tells {@code hook} of every base page freed (the reservations above, which are built on the folios). */
    public void setFreeHook(FreeHook hook) {
        this.freed = hook;
    }

    // ----------------------------------------------------------------------------------------
    // Creating folios and rmap accounting.

    /** Turns an allocated block into an anonymous folio of {@code order} (0 or 9) at virtual page {@code vpn}. */
    public void initAnon(int pfn, int order, int family, int vpn) {
        if (order == 0) {
            f.type[pfn] = ANON;
            f.order[pfn] = 0;
            f.ref[pfn] = 0;
            f.map[pfn] = 0;
            f.owner[pfn] = family;
            f.index[pfn] = vpn;
            nrAnon++;
            return;
        }
        // One array at a time: Arrays.fill is a vectorised stub, a loop over six arrays is not.
        int end = pfn + HPAGE_PMD_NR;
        Arrays.fill(f.type, pfn, end, ANON_TAIL);
        f.type[pfn] = ANON;
        Arrays.fill(f.order, pfn, end, (byte) HPAGE_PMD_ORDER);
        Arrays.fill(f.ref, pfn, end, 0);
        Arrays.fill(f.map, pfn, end, 0);
        Arrays.fill(f.owner, pfn, end, family);
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            f.index[pfn + k] = vpn + k;
        }
        f.entireMapcount[pfn >> HPAGE_PMD_ORDER] = 0;
        f.nrPagesMapped[pfn >> HPAGE_PMD_ORDER] = 0;
        nrAnon += HPAGE_PMD_NR;
    }

    /** folio_add_anon_rmap_pte(): one more PTE maps page {@code p}. */
    public void addPteRmap(int p) {
        int h = f.head(p);
        f.ref[h]++;
        if (f.map[p]++ == 0 && f.order[h] == HPAGE_PMD_ORDER) {
            f.nrPagesMapped[h >> HPAGE_PMD_ORDER]++;
        }
    }

    /** folio_add_anon_rmap_pmd(): one more PMD maps the folio headed at {@code h}. */
    public void addPmdRmap(int h) {
        f.ref[h]++;
        if (f.entireMapcount[h >> HPAGE_PMD_ORDER]++ == 0) {
            nrAnonThps++;
        }
    }

    /** folio_remove_rmap_pte() and folio_put(): one PTE less maps page {@code p}. */
    public void removePteRmap(int p) {
        int h = f.head(p);
        boolean large = f.order[h] == HPAGE_PMD_ORDER;
        if (--f.map[p] == 0 && large) {
            f.nrPagesMapped[h >> HPAGE_PMD_ORDER]--;
        }
        put(h, large);
    }

    /** folio_remove_rmap_pmd() and folio_put(). */
    public void removePmdRmap(int h) {
        if (--f.entireMapcount[h >> HPAGE_PMD_ORDER] == 0) {
            nrAnonThps--;
        }
        put(h, true);
    }

    private void put(int h, boolean large) {
        if (--f.ref[h] == 0) {
            freeFolio(h);
        } else if (large) {
            maybeDeferSplit(h);
        }
    }

    /** deferred_split_folio(): queue a folio that lost some, not all, of its mappings. */
    private void maybeDeferSplit(int h) {
        int b = h >> HPAGE_PMD_ORDER;
        int mapped = f.nrPagesMapped[b];
        if (f.entireMapcount[b] == 0 && mapped > 0 && mapped < HPAGE_PMD_NR && dsPrev[b] == -2) {
            dsPrev[b] = dsTail;
            dsNext[b] = -1;
            if (dsTail >= 0) {
                dsNext[dsTail] = b;
            } else {
                dsHead = b;
            }
            dsTail = b;
            dsLen++;
            stat.count(VmEvent.THP_DEFERRED_SPLIT_PAGE);
        }
    }

    void dequeue(int b) {
        if (dsPrev[b] == -2) {
            return;
        }
        int prev = dsPrev[b];
        int next = dsNext[b];
        if (prev >= 0) {
            dsNext[prev] = next;
        } else {
            dsHead = next;
        }
        if (next >= 0) {
            dsPrev[next] = prev;
        } else {
            dsTail = prev;
        }
        dsPrev[b] = -2;
        dsLen--;
    }

    public long deferredLength() {
        return dsLen;
    }

    public boolean deferred(int head) {
        return dsPrev[head >> HPAGE_PMD_ORDER] != -2;
    }

    /** Frees a folio whose last mapping went away. */
    public void freeFolio(int h) {
        if (f.order[h] == HPAGE_PMD_ORDER) {
            dequeue(h >> HPAGE_PMD_ORDER);
            Arrays.fill(f.order, h, h + HPAGE_PMD_NR, (byte) 0);
            Arrays.fill(f.map, h, h + HPAGE_PMD_NR, 0);
            f.entireMapcount[h >> HPAGE_PMD_ORDER] = 0;
            f.nrPagesMapped[h >> HPAGE_PMD_ORDER] = 0;
            nrAnon -= HPAGE_PMD_NR;
            buddy.free(h, HPAGE_PMD_ORDER);
        } else {
            nrAnon--;
            buddy.free(h, 0);
            freed.pageFreed(h);
        }
    }

    /** Frees a frame that was allocated but never became a folio (a race lost after allocation). */
    public void freeUnused(int pfn, int order) {
        buddy.free(pfn, order);
    }
}
