package org.thplab.mm.core.folio;

import static org.thplab.mm.core.frames.Frames.ANON;
import static org.thplab.mm.core.frames.Frames.ANON_TAIL;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;

import java.util.Arrays;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.pagetable.PteTable;
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
    /** Base pages held by anonymous folios, mapped or not. */
    public long nrAnon;
    /**
     * NR_ANON_MAPPED (AnonPages): pages a PTE of theirs or a PMD of their folio maps, counted as
     * __folio_add_rmap() and __folio_remove_rmap() count it with CONFIG_PAGE_MAPCOUNT: the unmapped
     * pages of a partially mapped folio waiting for its deferred split are not in it.
     */
    public long nrAnonMapped;
    /** PMD-mapped anonymous THPs (nr_anon_transparent_hugepages). */
    public long nrAnonThps;
    /** Anonymous PMD-sized folios, however mapped, until split or freed (hugepages-2048kB/stats/nr_anon). */
    public long nrAnonLarge;
    /** Of those, the ones flagged PG_partially_mapped (hugepages-2048kB/stats/nr_anon_partially_mapped). */
    public long nrAnonPartiallyMapped;
    /**
     * Deferred split queue: doubly linked through pageblock indices; -2 = not queued. Since Linux
     * 6.12 it holds every new PMD-mapped THP (for the underused shrinker) besides the partially
     * mapped ones.
     */
    private final int[] dsNext;
    private final int[] dsPrev;
    /** PG_partially_mapped, per PMD-sized folio (by pageblock): set once, when it first lost some pages. */
    private final boolean[] partiallyMapped;
    /** The two mm slots and the maybe-shared bit of each PMD-sized folio (CONFIG_MM_ID). */
    private final MmIds mmIds;
    /** Folios of orders 2 to 8 (mTHP): their state and per-size counters. */
    public final Mthps mthps;
    int dsHead = -1;
    /** Each queued block's sequence number on the queue, shared with the mTHPs' entries (Mthps). */
    final int[] dsSeq;
    private int dsTail = -1;
    private long dsLen;

    public Folios(Frames f, Buddy buddy, VmStat stat) {
        this.f = f;
        this.buddy = buddy;
        this.stat = stat;
        dsNext = new int[f.nrBlocks];
        dsPrev = new int[f.nrBlocks];
        Arrays.fill(dsPrev, -2);
        partiallyMapped = new boolean[f.nrBlocks];
        dsSeq = new int[f.nrBlocks];
        mmIds = new MmIds(f.nrBlocks);
        mthps = new Mthps(f);
    }

    /** Tells {@code hook} of every base page freed (the reservations above, which are built on the folios). */
    public void setFreeHook(FreeHook hook) {
        this.freed = hook;
    }

    // ----------------------------------------------------------------------------------------
    // Creating folios and rmap accounting.

    /**
     * Turns an allocated block into an anonymous folio of {@code order} (0 or 9) at virtual page
     * {@code vpn}. Every caller maps a PMD-sized one by a PMD at once (a fault, a zero-page write, a
     * collapse, a promotion), so it is queued for deferred split here, without a count:
     * map_anon_folio_pmd() and collapse_huge_page() call deferred_split_folio(folio, false) (6.12).
     */
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
        if (order < HPAGE_PMD_ORDER) {
            mthps.init(pfn, order, family, vpn); // mapped by PTEs only: not queued for deferred split
            nrAnon += 1 << order;
            return;
        }
        prepLarge(f, pfn, order, family, vpn);
        int b = pfn >> HPAGE_PMD_ORDER;
        f.entireMapcount[b] = 0;
        f.nrPagesMapped[b] = 0;
        setPartiallyMapped(b, false);
        mmIds.reset(b);
        enqueue(b);
        nrAnon += HPAGE_PMD_NR;
        nrAnonLarge++;
    }

    /**
     * The frames of a new large folio of {@code order} at {@code h}: head and tails, their counts
     * 0. Its rmap is its head's (folio->mapping, folio->index): tails derive theirs
     * (Frames.owner(), Frames.index()) until a split gives each page its own.
     */
    static void prepLarge(Frames f, int h, int order, int family, int vpn) {
        // One array at a time: Arrays.fill is a vectorised stub, a loop over the arrays is not.
        int end = h + (1 << order);
        Arrays.fill(f.type, h, end, ANON_TAIL);
        f.type[h] = ANON;
        Arrays.fill(f.order, h, end, (byte) order);
        Arrays.fill(f.ref, h, end, 0);
        Arrays.fill(f.map, h, end, 0);
        f.owner[h] = family;
        f.index[h] = vpn;
    }

    /** folio_add_anon_rmap_pte(): one more PTE, of address space {@code mm} (its id), maps page {@code p}. */
    public void addPteRmap(int p, int mm) {
        int h = f.head(p);
        f.ref[h]++;
        int order = f.order[h];
        if (order == HPAGE_PMD_ORDER) {
            int b = h >> HPAGE_PMD_ORDER;
            if (f.map[p]++ == 0) {
                f.nrPagesMapped[b]++;
                if (f.entireMapcount[b] == 0) {
                    nrAnonMapped++; // a PMD maps it already otherwise
                }
            }
            mmIds.add(b, mm, 1, f.ref[h]);
        } else if (order == 0) {
            if (f.map[p]++ == 0) {
                nrAnonMapped++;
            }
        } else if (mthps.addPte(h, p, mm)) {
            nrAnonMapped++;
        }
    }

    /**
     * A new base-page folio mapped by one PTE: initAnon() then addPteRmap() in one pass over the
     * frame, as folio_add_new_anon_rmap() sets a new folio's counts without reading them.
     */
    public void initAnonMapped(int pfn, int family, int vpn) {
        f.type[pfn] = ANON;
        f.order[pfn] = 0;
        f.ref[pfn] = 1;
        f.map[pfn] = 1;
        f.owner[pfn] = family;
        f.index[pfn] = vpn;
        nrAnon++;
        nrAnonMapped++;
    }

    /** folio_add_anon_rmap_pmd(): one more PMD, of address space {@code mm}, maps the folio headed at {@code h}. */
    public void addPmdRmap(int h, int mm) {
        f.ref[h]++;
        int b = h >> HPAGE_PMD_ORDER;
        if (f.entireMapcount[b]++ == 0) {
            nrAnonThps++;
            nrAnonMapped += HPAGE_PMD_NR - f.nrPagesMapped[b]; // the pages no PTE maps
        }
        mmIds.add(b, mm, 1, f.ref[h]);
    }

    /**
     * __split_huge_pmd_locked()'s rmap: the PMD of {@code mm} that mapped the folio headed at
     * {@code h} became 512 PTEs (folio_add_anon_rmap_ptes() of all of them, then
     * folio_remove_rmap_pmd()); the caller has counted the references and mapcounts.
     */
    public void pmdBecamePtes(int h, int mm) {
        int b = h >> HPAGE_PMD_ORDER;
        mmIds.add(b, mm, HPAGE_PMD_NR, f.ref[h] + 1);
        mmIds.sub(b, mm, 1, f.ref[h]);
    }

    /** folio_remove_rmap_pte() and folio_put(): one PTE less, of address space {@code mm}, maps page {@code p}. */
    public void removePteRmap(int p, int mm) {
        removePteRmaps(p, 1, mm);
    }

    /**
     * folio_remove_rmap_ptes() and folio_put_refs(): one PTE less maps each of the {@code nr}
     * pages from {@code p}, all of one folio, in one batch (zap_present_ptes() batches the PTEs
     * of a large folio with folio_pte_batch()). A batch that leaves the folio mapped in part makes
     * it partially mapped (__folio_remove_rmap(): {@code nr && atomic_read(mapped)}).
     */
    public void removePteRmaps(int p, int nr, int mm) {
        int h = f.head(p);
        int order = f.order[h];
        if (order != 0 && order != HPAGE_PMD_ORDER) {
            f.ref[h] -= nr;
            nrAnonMapped -= mthps.removePtes(h, p, nr, mm);
            if (f.ref[h] == 0) {
                freeFolio(h);
            }
            return;
        }
        boolean large = order == HPAGE_PMD_ORDER;
        int unmapped = 0;
        for (int k = p; k < p + nr; k++) {
            if (--f.map[k] == 0 && large) {
                unmapped++;
            }
        }
        if (unmapped > 0) {
            f.nrPagesMapped[h >> HPAGE_PMD_ORDER] -= (short) unmapped;
            if (f.entireMapcount[h >> HPAGE_PMD_ORDER] == 0) {
                nrAnonMapped -= unmapped; // while a PMD maps the folio its pages stay mapped
            }
        } else if (!large && f.map[p] == 0) {
            nrAnonMapped--;
        }
        f.ref[h] -= nr;
        if (large) {
            mmIds.sub(h >> HPAGE_PMD_ORDER, mm, nr, f.ref[h]);
        }
        if (f.ref[h] == 0) {
            freeFolio(h);
        } else if (unmapped > 0) {
            deferredSplitFolio(h);
        }
    }

    /**
     * folio_remove_rmap_pmd() and folio_put(). When the last PMD goes while some, not all, pages
     * stay mapped by PTEs, the folio is partially mapped ({@code nr && nr < nr_pmdmapped}).
     */
    public void removePmdRmap(int h, int mm) {
        boolean last = --f.entireMapcount[h >> HPAGE_PMD_ORDER] == 0;
        if (last) {
            nrAnonThps--;
            nrAnonMapped -= HPAGE_PMD_NR - f.nrPagesMapped[h >> HPAGE_PMD_ORDER]; // those PTEs map stay
        }
        mmIds.sub(h >> HPAGE_PMD_ORDER, mm, 1, f.ref[h] - 1);
        if (--f.ref[h] == 0) {
            freeFolio(h);
        } else if (last) {
            deferredSplitFolio(h);
        }
    }

    /**
     * deferred_split_folio(folio, true), as __folio_remove_rmap() calls it: a folio not mapped by
     * a PMD that lost some, not all, of its pages is flagged PG_partially_mapped and counted
     * ({@code thp_deferred_split_page}) the first time only, and queued if it is not (the
     * underused shrinker may have taken it off).
     */
    private void deferredSplitFolio(int h) {
        int b = h >> HPAGE_PMD_ORDER;
        int mapped = f.nrPagesMapped[b];
        if (f.entireMapcount[b] == 0 && mapped > 0 && mapped < HPAGE_PMD_NR && !partiallyMapped[b]) {
            setPartiallyMapped(b, true);
            stat.count(VmEvent.THP_DEFERRED_SPLIT_PAGE);
            enqueue(b);
        }
    }

    /** A split folio leaves the queue and is no longer partially mapped (it is no longer large). */
    void splitDone(int b) {
        dequeue(b);
        setPartiallyMapped(b, false);
        nrAnonLarge--;
    }

    private void setPartiallyMapped(int b, boolean on) {
        if (partiallyMapped[b] != on) {
            partiallyMapped[b] = on;
            nrAnonPartiallyMapped += on ? 1 : -1;
        }
    }

    /** Counts a folio found partially mapped by split_huge_page()'s unmap (see HugeSplit). */
    void countPartiallyMapped(int h) {
        setPartiallyMapped(h >> HPAGE_PMD_ORDER, true);
        stat.count(VmEvent.THP_DEFERRED_SPLIT_PAGE);
    }

    /** folio_pte_batch(): {@link PteBatch#count}. */
    public int pteBatch(PteTable ptes, int j, int end, int pfn) {
        return PteBatch.count(f, ptes, j, end, pfn);
    }

    /**
     * folio_maybe_mapped_shared() (include/linux/mm.h, 6.15+ with CONFIG_MM_ID): a small folio is
     * shared when mapped more than once; a large one mapped once is exclusive, else its
     * maybe-shared bit says (set when a second mm mapped it, sticky while a third maps it).
     */
    public boolean maybeMappedShared(int p) {
        int h = f.head(p);
        if (f.large(h)) {
            return f.ref[h] > 1 && mmIds.shared(h >> HPAGE_PMD_ORDER);
        }
        if (f.mthp(h)) {
            return f.ref[h] > 1 && mthps.shared(h);
        }
        return f.map[p] > 1;
    }

    /** @return true when the folio headed at {@code h} is flagged PG_partially_mapped */
    public boolean partiallyMapped(int h) {
        return partiallyMapped[h >> HPAGE_PMD_ORDER];
    }

    /** @return true when {@code pfn} is part of a PMD-sized anonymous folio */
    public boolean large(int pfn) {
        return f.large(pfn);
    }

    /** Adds block {@code b} at the tail of the deferred split queue unless it is on it. */
    private void enqueue(int b) {
        if (dsPrev[b] != -2) {
            return;
        }
        dsPrev[b] = dsTail;
        dsNext[b] = -1;
        if (dsTail >= 0) {
            dsNext[dsTail] = b;
        } else {
            dsHead = b;
        }
        dsTail = b;
        dsLen++;
        dsSeq[b] = mthps.nextSeq();
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
        return dsLen + mthps.queued();
    }

    public boolean deferred(int head) {
        return dsPrev[head >> HPAGE_PMD_ORDER] != -2;
    }

    /** Frees a folio whose last mapping went away. */
    public void freeFolio(int h) {
        if (f.order[h] == HPAGE_PMD_ORDER) {
            dequeue(h >> HPAGE_PMD_ORDER);
            setPartiallyMapped(h >> HPAGE_PMD_ORDER, false);
            nrAnonLarge--;
            Arrays.fill(f.order, h, h + HPAGE_PMD_NR, (byte) 0);
            Arrays.fill(f.map, h, h + HPAGE_PMD_NR, 0);
            f.entireMapcount[h >> HPAGE_PMD_ORDER] = 0;
            f.nrPagesMapped[h >> HPAGE_PMD_ORDER] = 0;
            nrAnon -= HPAGE_PMD_NR;
            buddy.free(h, HPAGE_PMD_ORDER);
        } else if (f.order[h] != 0) {
            int order = f.order[h];
            mthps.gone(h, false);
            Arrays.fill(f.order, h, h + (1 << order), (byte) 0);
            nrAnon -= 1 << order;
            buddy.free(h, order);
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
