package org.thplab.mm.core.machine;

import static org.thplab.mm.core.frames.Frames.ANON;
import static org.thplab.mm.core.frames.Frames.ANON_TAIL;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import java.util.Arrays;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Vma;

/**
 * Folios and their mappings: rmap accounting (refcount, per-page mapcount, entire mapcount,
 * _nr_pages_mapped), freeing, split_huge_pmd(), split_huge_page(), the deferred split queue,
 * zapping ranges, page table allocation and fork's copy_page_range().
 *
 * <p>Invariant kept by every method here: the refcount of a folio's head equals the number of
 * PTEs plus PMDs that map it (thplab has no pins and no page cache); a folio whose refcount
 * drops to zero is freed at once.
 */
final class Folios {
    private final Machine m;
    private final Frames f;
    /** Base pages held by anonymous folios (nr_anon_pages). */
    long nrAnon;
    /** PMD-mapped anonymous THPs (nr_anon_transparent_hugepages). */
    long nrAnonThps;
    /** Deferred split queue: doubly linked through pageblock indices; -2 = not queued. */
    private final int[] dsNext;
    private final int[] dsPrev;
    private int dsHead = -1;
    private int dsTail = -1;
    private long dsLen;

    Folios(Machine m) {
        this.m = m;
        this.f = m.f;
        dsNext = new int[f.nrBlocks];
        dsPrev = new int[f.nrBlocks];
        Arrays.fill(dsPrev, -2);
    }

    // ----------------------------------------------------------------------------------------
    // Creating folios and rmap accounting.

    /** Turns an allocated block into an anonymous folio of {@code order} (0 or 9) at virtual page {@code vpn}. */
    void initAnon(int pfn, int order, int family, int vpn) {
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
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            int p = pfn + k;
            f.type[p] = k == 0 ? ANON : ANON_TAIL;
            f.order[p] = HPAGE_PMD_ORDER;
            f.ref[p] = 0;
            f.map[p] = 0;
            f.owner[p] = family;
            f.index[p] = vpn + k;
        }
        f.entireMapcount[pfn >> HPAGE_PMD_ORDER] = 0;
        f.nrPagesMapped[pfn >> HPAGE_PMD_ORDER] = 0;
        nrAnon += HPAGE_PMD_NR;
    }

    /** folio_add_anon_rmap_pte(): one more PTE maps page {@code p}. */
    void addPteRmap(int p) {
        int h = f.head(p);
        f.ref[h]++;
        if (f.map[p]++ == 0 && f.order[h] == HPAGE_PMD_ORDER) {
            f.nrPagesMapped[h >> HPAGE_PMD_ORDER]++;
        }
    }

    /** folio_add_anon_rmap_pmd(): one more PMD maps the folio headed at {@code h}. */
    void addPmdRmap(int h) {
        f.ref[h]++;
        if (f.entireMapcount[h >> HPAGE_PMD_ORDER]++ == 0) {
            nrAnonThps++;
        }
    }

    /** folio_remove_rmap_pte() and folio_put(): one PTE less maps page {@code p}. */
    void removePteRmap(int p) {
        int h = f.head(p);
        boolean large = f.order[h] == HPAGE_PMD_ORDER;
        if (--f.map[p] == 0 && large) {
            f.nrPagesMapped[h >> HPAGE_PMD_ORDER]--;
        }
        put(h, large);
    }

    /** folio_remove_rmap_pmd() and folio_put(). */
    void removePmdRmap(int h) {
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
            m.stat.count(VmEvent.THP_DEFERRED_SPLIT_PAGE);
        }
    }

    private void dequeue(int b) {
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

    long deferredLength() {
        return dsLen;
    }

    boolean deferred(int head) {
        return dsPrev[head >> HPAGE_PMD_ORDER] != -2;
    }

    /** Frees a folio whose last mapping went away. */
    void freeFolio(int h) {
        if (f.order[h] == HPAGE_PMD_ORDER) {
            dequeue(h >> HPAGE_PMD_ORDER);
            for (int k = 0; k < HPAGE_PMD_NR; k++) {
                f.order[h + k] = 0;
                f.map[h + k] = 0;
            }
            f.entireMapcount[h >> HPAGE_PMD_ORDER] = 0;
            f.nrPagesMapped[h >> HPAGE_PMD_ORDER] = 0;
            nrAnon -= HPAGE_PMD_NR;
            m.buddy.free(h, HPAGE_PMD_ORDER);
        } else {
            nrAnon--;
            m.buddy.free(h, 0);
            m.reservations.pageFreed(h);
        }
    }

    /** Frees a frame that was allocated but never became a folio (a race lost after allocation). */
    void freeUnused(int pfn, int order) {
        m.buddy.free(pfn, order);
    }

    // ----------------------------------------------------------------------------------------
    // Splitting.

    /**
     * __split_huge_pmd_locked(): replace the huge PMD at slot {@code i} by the deposited PTE
     * table, filled with 512 PTEs mapping the same pages (or the zero page). Never fails.
     */
    void splitHugePmd(AddressSpace mm, PmdTable t, int i, long haddr) {
        long pmd = t.pmd[i];
        m.stat.count(VmEvent.THP_SPLIT_PMD);
        m.clock.charge(CostModel.SPLIT_PMD + CostModel.TLB_FLUSH);
        PteTable ptes = new PteTable();
        if (Pte.kind(pmd) == Pte.HUGE_ZERO) {
            long z = Pte.make(Pte.ZERO, 0, m.zeroPfn);
            ptes.fill(z);
            m.hugeZeroUsers--;
        } else {
            int h = Pte.pfn(pmd);
            long flags = pmd & (Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE);
            int b = h >> HPAGE_PMD_ORDER;
            for (int k = 0; k < HPAGE_PMD_NR; k++) {
                ptes.set(k, Pte.make(Pte.PRESENT, flags, h + k));
                if (f.map[h + k]++ == 0) {
                    f.nrPagesMapped[b]++;
                }
            }
            // One PMD reference becomes 512 PTE references.
            f.ref[h] += HPAGE_PMD_NR - 1;
            if (--f.entireMapcount[b] == 0) {
                nrAnonThps--;
            }
        }
        t.pte[i] = ptes;
        t.pmd[i] = 0;
    }

    /**
     * split_huge_page(): splits a PMD-sized folio into 512 base-page folios, splitting every PMD
     * that maps it first; subpages that nothing maps are freed.
     *
     * @return base pages freed
     */
    long splitFolio(int h) {
        int b = h >> HPAGE_PMD_ORDER;
        if (f.entireMapcount[b] > 0) {
            int vpn = f.index[h];
            long haddr = (long) vpn << 12;
            for (AddressSpace mm : m.families.get(f.owner[h]).members) {
                PmdTable t = mm.pt.lookup(haddr);
                if (t == null) {
                    continue;
                }
                int i = PageTable.pmdIndex(haddr);
                if (t.pte[i] == null && Pte.kind(t.pmd[i]) == Pte.HUGE && Pte.pfn(t.pmd[i]) == h) {
                    splitHugePmd(mm, t, i, haddr);
                }
            }
        }
        dequeue(b);
        m.stat.count(VmEvent.THP_SPLIT_PAGE);
        m.clock.charge(CostModel.SPLIT_FOLIO);
        long freed = 0;
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            int p = h + k;
            f.type[p] = ANON;
            f.order[p] = 0;
            f.ref[p] = f.map[p];
        }
        f.entireMapcount[b] = 0;
        f.nrPagesMapped[b] = 0;
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            int p = h + k;
            if (f.ref[p] == 0) {
                nrAnon--;
                m.buddy.free(p, 0);
                freed++;
            }
        }
        return freed;
    }

    /** deferred_split_scan(): split up to {@code max} queued folios; returns base pages freed. */
    long splitDeferred(long max) {
        long freed = 0;
        for (long n = 0; n < max && dsHead >= 0; n++) {
            int b = dsHead;
            freed += splitFolio(b << HPAGE_PMD_ORDER);
        }
        return freed;
    }

    // ----------------------------------------------------------------------------------------
    // Page tables.

    /** Allocates a PTE table for slot {@code i} (__pte_alloc); returns it, or null when out of memory. */
    PteTable allocPteTable(AddressSpace mm, PmdTable t, int i) {
        int pt = allocPgtableFrame(mm);
        if (pt < 0) {
            return null;
        }
        PteTable ptes = new PteTable();
        t.pte[i] = ptes;
        t.tableFrame[i] = pt;
        t.used++;
        return ptes;
    }

    /** pte_alloc_one(): a zeroed, unmovable page for a page table, charged to {@code mm}; -1 when none. */
    int allocPgtableFrame(AddressSpace mm) {
        int pt = m.allocator.alloc(0, Machine.KERNEL, false);
        if (pt < 0) {
            return -1;
        }
        f.type[pt] = Frames.PGTABLE;
        f.owner[pt] = mm.id;
        f.ref[pt] = 1;
        m.clock.charge(CostModel.ZERO_4K);
        m.pgtables++;
        mm.pgtables++;
        return pt;
    }

    void freePgtableFrame(AddressSpace mm, int pt) {
        f.ref[pt] = 0;
        f.owner[pt] = 0;
        m.buddy.free(pt, 0);
        m.pgtables--;
        mm.pgtables--;
    }

    /** free_pgtables(): frees the PTE tables of [from, to) whose 2 MiB no VMA covers any more. */
    void freeEmptyTables(AddressSpace mm, long from, long to) {
        long va = from & ~(PMD_SIZE - 1);
        while (va < to) {
            PmdTable t = mm.pt.lookup(va);
            if (t == null) {
                va = (va & ~((1L << PageTable.DIR_SHIFT) - 1)) + (1L << PageTable.DIR_SHIFT);
                continue;
            }
            int i = PageTable.pmdIndex(va);
            if (t.pte[i] != null && !mm.mapped(va, va + PMD_SIZE)) {
                freePgtableFrame(mm, t.tableFrame[i]);
                t.pte[i] = null;
                t.tableFrame[i] = -1;
                t.used--;
            }
            va += PMD_SIZE;
        }
    }

    // ----------------------------------------------------------------------------------------
    // Zapping.

    /** zap_page_range(): unmaps [from, to), splitting huge PMDs that the range covers in part. */
    void zapRange(AddressSpace mm, long from, long to) {
        m.reservations.releaseRange(mm, from, to);
        boolean any = false;
        for (long va = from; va < to; ) {
            long pmdStart = va & ~(PMD_SIZE - 1);
            long segEnd = Math.min(to, pmdStart + PMD_SIZE);
            PmdTable t = mm.pt.lookup(va);
            if (t == null) {
                va = segEnd;
                continue;
            }
            int i = PageTable.pmdIndex(va);
            if (t.pte[i] == null && t.pmd[i] != 0) {
                if (va == pmdStart && segEnd == pmdStart + PMD_SIZE) {
                    zapHugePmd(mm, t, i);
                    any = true;
                    va = segEnd;
                    continue;
                }
                splitHugePmd(mm, t, i, pmdStart);
            }
            PteTable ptes = t.pte[i];
            if (ptes != null) {
                for (long a = va; a < segEnd; a += PAGE_SIZE) {
                    int j = PageTable.pteIndex(a);
                    long e = ptes.get(j);
                    if (e != Pte.NONE) {
                        zapPte(mm, e);
                        ptes.set(j, Pte.NONE);
                        any = true;
                    }
                }
            }
            va = segEnd;
        }
        if (any) {
            m.clock.charge(CostModel.TLB_FLUSH);
        }
    }

    private void zapPte(AddressSpace mm, long e) {
        switch (Pte.kind(e)) {
            case Pte.PRESENT, Pte.MIGRATION -> {
                mm.rssAnon--;
                removePteRmap(Pte.pfn(e));
            }
            case Pte.SWAP -> {
                mm.swapEntries--;
                m.swap.put(Pte.pfn(e));
            }
            default -> { }
        }
    }

    /** zap_huge_pmd(): drops a huge PMD and frees its deposited page table. */
    void zapHugePmd(AddressSpace mm, PmdTable t, int i) {
        long pmd = t.pmd[i];
        if (Pte.kind(pmd) == Pte.HUGE_ZERO) {
            m.hugeZeroUsers--;
        } else {
            mm.rssAnon -= HPAGE_PMD_NR;
            removePmdRmap(Pte.pfn(pmd));
        }
        freePgtableFrame(mm, t.tableFrame[i]);
        t.tableFrame[i] = -1;
        t.pmd[i] = 0;
        t.used--;
    }

    // ----------------------------------------------------------------------------------------
    // fork.

    /**
     * copy_page_range(): the child maps every page the parent maps; anonymous pages become
     * shared and both sides lose write permission and exclusivity (page_try_dup_anon_rmap).
     *
     * @return false when a page table for the child could not be allocated
     */
    boolean copyPageTables(AddressSpace parent, AddressSpace child) {
        for (Vma v : parent.vmas) {
            for (long va = v.start & ~(PMD_SIZE - 1); va < v.end; va += PMD_SIZE) {
                PmdTable pt = parent.pt.lookup(va);
                if (pt == null) {
                    continue;
                }
                int i = PageTable.pmdIndex(va);
                PteTable ptes = pt.pte[i];
                long pmd = pt.pmd[i];
                if (ptes == null && pmd == 0) {
                    continue;
                }
                PmdTable ct = child.pt.get(va);
                if (ct.pte[i] != null || ct.pmd[i] != 0) {
                    continue; // a PMD shared by two VMAs was copied with the first
                }
                if (ptes == null) {
                    // copy_huge_pmd(): the child needs its own deposited table.
                    int table = allocPgtableFrame(child);
                    if (table < 0) {
                        return false;
                    }
                    if (Pte.kind(pmd) == Pte.HUGE_ZERO) {
                        m.hugeZeroUsers++;
                        ct.pmd[i] = pmd;
                    } else {
                        long shared = pmd & ~(Pte.WRITE | Pte.EXCLUSIVE);
                        pt.pmd[i] = shared;
                        ct.pmd[i] = shared & ~Pte.YOUNG; // pmd_mkold(pmd_wrprotect(pmd)) for the child
                        addPmdRmap(Pte.pfn(pmd));
                        child.rssAnon += HPAGE_PMD_NR;
                    }
                    ct.tableFrame[i] = table;
                    ct.used++;
                    continue;
                }
                PteTable cptes = allocPteTable(child, ct, i);
                if (cptes == null) {
                    return false;
                }
                for (int j = 0; j < 512; j++) {
                    long e = ptes.get(j);
                    switch (Pte.kind(e)) {
                        case Pte.PRESENT -> {
                            long shared = e & ~(Pte.WRITE | Pte.EXCLUSIVE);
                            ptes.set(j, shared);
                            cptes.set(j, shared & ~Pte.YOUNG); // copy_present_pte(): pte_mkold() for the child
                            addPteRmap(Pte.pfn(e));
                            child.rssAnon++;
                        }
                        case Pte.SWAP -> {
                            m.swap.count[Pte.pfn(e)]++;
                            child.swapEntries++;
                            cptes.set(j, e);
                        }
                        case Pte.ZERO -> cptes.set(j, e);
                        default -> { }
                    }
                }
            }
        }
        return true;
    }
}
