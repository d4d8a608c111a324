package org.thplab.mm.core.folio;

import static org.thplab.mm.core.frames.Frames.ANON;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.mmu.Mmu;
import org.thplab.mm.core.mmu.Mmus;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Tasks;

/**
 * Splitting huge pages, after the THP refcounting rework: split_huge_pmd() never fails (a PMD
 * becomes 512 PTEs to the same pages), split_huge_page() turns a folio into base pages, mapping
 * its zero-filled subpages to the shared zero page, and deferred_split_scan() splits the
 * partially mapped and the underused THPs of the deferred split queue.
 */
public final class HugeSplit {
    private final Frames f;
    private final Buddy buddy;
    private final Clock clock;
    private final VmStat stat;
    private final Mmus mmus;
    private final Tasks tasks;
    private final Folios folios;
    private final ZeroPages zero;
    private final ThpTunables tunables;
    /** Scratch per-page mapcounts for {@link #countUnmap}. */
    private final int[] mapcount = new int[HPAGE_PMD_NR];

    public HugeSplit(Kernel k, Folios folios, ZeroPages zero) {
        this.f = k.f();
        this.tunables = k.tunables();
        this.buddy = k.buddy();
        this.clock = k.clock();
        this.stat = k.stat();
        this.mmus = k.mmus();
        this.tasks = k.tasks();
        this.folios = folios;
        this.zero = zero;
    }

    /**
     * __split_huge_pmd_locked(): replace the huge PMD at slot {@code i} by the deposited PTE
     * table, filled with 512 PTEs mapping the same pages (or the zero page). Never fails.
     */
    public void splitHugePmd(AddressSpace mm, PmdTable t, int i, long haddr) {
        long pmd = t.pmd[i];
        stat.count(VmEvent.THP_SPLIT_PMD);
        clock.charge(CostModel.SPLIT_PMD + CostModel.TLB_FLUSH);
        // pmdp_invalidate(): flush_pmd_tlb_range(), one PMD stride
        mmus.flushTlbMmRange(mmus.current(), mm.id, haddr, haddr + PMD_SIZE, Mmu.PMD_SHIFT, false);
        PteTable ptes = new PteTable();
        if (Pte.kind(pmd) == Pte.HUGE_ZERO) {
            long z = Pte.make(Pte.ZERO, 0, zero.zeroPfn);
            ptes.fill(z);
            zero.hugeZeroUsers--;
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
            folios.pmdBecamePtes(h, mm.id);
            if (--f.entireMapcount[b] == 0) {
                folios.nrAnonThps--;
            }
        }
        t.install(i, ptes);
        t.pmd[i] = 0;
    }

    /**
     * split_huge_page() (__folio_split()): splits a PMD-sized folio into 512 base-page folios.
     * unmap_folio() first replaces every mapping by migration entries (a PMD whole, PTEs one page
     * at a time), then remap_page() maps the pages back, each zero-filled subpage of an anonymous
     * folio as the shared zero page instead (RMP_USE_SHARED_ZEROPAGE,
     * try_to_map_unused_to_zeropage(), Linux 6.12), so Rss drops; subpages that nothing maps any
     * more are freed. thplab has no pins: the split never fails.
     *
     * @return base pages freed
     */
    public long splitFolio(int h) {
        int b = h >> HPAGE_PMD_ORDER;
        int vpn = f.index[h];
        long haddr = (long) vpn << 12;
        int i = PageTable.pmdIndex(haddr);
        countUnmap(h, haddr, i);
        if (f.entireMapcount[b] > 0) {
            for (AddressSpace mm : tasks.family(f.owner[h])) {
                PmdTable t = mm.pt.lookup(haddr);
                if (t != null && t.pte[i] == null && Pte.kind(t.pmd[i]) == Pte.HUGE && Pte.pfn(t.pmd[i]) == h) {
                    splitHugePmd(mm, t, i, haddr);
                }
            }
        }
        folios.splitDone(b);
        stat.count(VmEvent.THP_SPLIT_PAGE);
        clock.charge(CostModel.SPLIT_FOLIO);
        remapZeroFilled(h, haddr, i);
        f.entireMapcount[b] = 0;
        f.nrPagesMapped[b] = 0;
        return toBasePages(h, HPAGE_PMD_NR, f.owner[h], vpn);
    }

    /**
     * The end of __folio_split() to order 0: each of the {@code n} pages from {@code h} becomes a
     * folio of its own, its refcount its mapcount, its rmap written out; those nothing maps any
     * more are freed. @return base pages freed
     */
    private long toBasePages(int h, int n, int family, int vpn) {
        for (int k = 0; k < n; k++) {
            int p = h + k;
            f.type[p] = ANON;
            f.order[p] = 0;
            f.ref[p] = f.map[p];
            f.owner[p] = family;
            f.index[p] = vpn + k;
        }
        long freed = 0;
        for (int k = 0; k < n; k++) {
            int p = h + k;
            if (f.ref[p] == 0) {
                folios.nrAnon--;
                buddy.free(p, 0);
                freed++;
            }
        }
        return freed;
    }

    /**
     * split_folio() of an mTHP (order 2 to 8, mapped by PTEs only) into base pages, as
     * {@link #splitFolio} does a PMD-sized one: unmap_folio() takes the PTEs one page at a time
     * (the first that leaves others mapped makes a folio not yet flagged partially mapped,
     * counted {@code split_deferred}), remap_page() maps zero-filled subpages to the shared zero
     * page, pages nothing maps any more are freed. Counts the size's {@code split}.
     *
     * @return base pages freed
     */
    public long splitMthp(int h) {
        int order = f.order[h];
        int n = 1 << order;
        int family = f.owner[h];
        int vpn = f.index[h];
        long va = (long) vpn << 12;
        int i = PageTable.pmdIndex(va);
        int j0 = PageTable.pteIndex(va);
        Mthps m = folios.mthps;
        if (!m.partiallyMapped(h) && m.pagesMapped(h) > 1) {
            m.count(order, Mthps.SPLIT_DEFERRED); // the first PTE unmapped leaves the others mapped
        }
        clock.charge(CostModel.SPLIT_FOLIO);
        long z = Pte.make(Pte.ZERO, 0, zero.zeroPfn);
        for (AddressSpace mm : tasks.family(family)) {
            PmdTable t = mm.pt.lookup(va);
            PteTable ptes = t == null ? null : t.pte[i];
            if (ptes == null) {
                continue;
            }
            for (int k = 0; k < n; k++) {
                long e = ptes.get(j0 + k);
                if (f.content[h + k] == 0 && Pte.kind(e) == Pte.PRESENT && Pte.pfn(e) == h + k) {
                    ptes.set(j0 + k, z); // try_to_map_unused_to_zeropage()
                    if (--f.map[h + k] == 0) {
                        folios.nrAnonMapped--;
                    }
                    mm.updateHiwaterRss();
                    mm.rssAnon--;
                }
            }
        }
        m.gone(h, true);
        return toBasePages(h, n, family, vpn);
    }

    /**
     * What unmap_folio() (try_to_migrate() with TTU_SPLIT_HUGE_PMD) counts on the way: a PMD is
     * frozen whole (folio_remove_rmap_pmd(): partially mapped only if other PTEs still map some
     * pages), PTEs go one page at a time (try_to_migrate_one(): folio_remove_rmap_pte()), so a
     * folio mapped by PTEs and not yet flagged becomes partially mapped after its first page:
     * deferred_split_folio() counts {@code thp_deferred_split_page}. Nothing is changed here: the
     * split below maps the pages back.
     */
    private void countUnmap(int h, long haddr, int i) {
        int b = h >> HPAGE_PMD_ORDER;
        if (folios.partiallyMapped(h) || f.nrPagesMapped[b] == 0) {
            return; // flagged already, or mapped by PMDs alone: each freeze takes all its pages
        }
        int entire = f.entireMapcount[b];
        int mapped = f.nrPagesMapped[b];
        System.arraycopy(f.map, h, mapcount, 0, HPAGE_PMD_NR);
        for (AddressSpace mm : tasks.family(f.owner[h])) {
            PmdTable t = mm.pt.lookup(haddr);
            if (t == null) {
                continue;
            }
            PteTable ptes = t.pte[i];
            if (ptes == null) {
                if (Pte.kind(t.pmd[i]) == Pte.HUGE && Pte.pfn(t.pmd[i]) == h && --entire == 0
                        && mapped > 0 && mapped < HPAGE_PMD_NR) {
                    folios.countPartiallyMapped(h); // 0 < mapped < 512 pages stay PTE-mapped
                    return;
                }
                continue;
            }
            for (int k = 0; k < HPAGE_PMD_NR; k++) {
                long e = ptes.get(k);
                if (Pte.kind(e) == Pte.PRESENT && Pte.pfn(e) == h + k && --mapcount[k] == 0 && --mapped > 0 && entire == 0) {
                    folios.countPartiallyMapped(h);
                    return;
                }
            }
        }
    }

    /**
     * remap_page() with RMP_USE_SHARED_ZEROPAGE: every PTE that maps a zero-filled subpage (content
     * token 0) maps the shared zero page instead, one RSS page less (try_to_map_unused_to_zeropage();
     * thplab has no mlock and no userfaultfd, which would forbid it). The PTEs stand for the
     * migration entries of the split; the PMDs were split above.
     */
    private void remapZeroFilled(int h, long haddr, int i) {
        boolean any = false;
        for (int k = 0; k < HPAGE_PMD_NR && !any; k++) {
            any = f.content[h + k] == 0 && f.map[h + k] > 0;
        }
        if (!any) {
            return;
        }
        long z = Pte.make(Pte.ZERO, 0, zero.zeroPfn);
        for (AddressSpace mm : tasks.family(f.owner[h])) {
            PmdTable t = mm.pt.lookup(haddr);
            PteTable ptes = t == null ? null : t.pte[i];
            if (ptes == null) {
                continue;
            }
            for (int k = 0; k < HPAGE_PMD_NR; k++) {
                long e = ptes.get(k);
                if (f.content[h + k] == 0 && Pte.kind(e) == Pte.PRESENT && Pte.pfn(e) == h + k) {
                    ptes.set(k, z);
                    if (--f.map[h + k] == 0) {
                        folios.nrAnonMapped--;
                    }
                    mm.updateHiwaterRss();
                    mm.rssAnon--;
                }
            }
        }
    }

    /**
     * deferred_split_scan(): takes up to {@code max} folios off the head of the queue. A
     * partially mapped one is split; a fully mapped one only when thp_underused() says so
     * ({@code thp_underused_split_page}); any other just leaves the queue, and is queued again
     * only if it becomes partially mapped later. thplab's splits never fail, so nothing is
     * requeued. thp_underused() reads {@code khugepaged/max_ptes_none}, and at 511 returns false
     * at once.
     *
     * @return base pages freed
     */
    public long splitDeferred(long max) {
        long maxNone = tunables.number("khugepaged/max_ptes_none");
        return splitDeferred(max, maxNone == HPAGE_PMD_NR - 1 ? HPAGE_PMD_NR : (int) maxNone);
    }

    /**
     * deferred_split_scan() with thp_underused()'s loop run against {@code maxNone} (0 to 512;
     * 512: nothing is underused), for a reclaim policy with a threshold of its own.
     *
     * @return base pages freed
     */
    public long splitDeferred(long max, int maxNone) {
        long freed = 0;
        Mthps m = folios.mthps;
        for (long n = 0; n < max; n++) {
            int b = folios.dsHead;
            int mh = m.peek();
            if (b < 0 && mh < 0) {
                break;
            }
            if (mh >= 0 && (b < 0 || m.peekSeq() < folios.dsSeq[b])) {
                m.dequeue(mh); // the older entry is an mTHP: queued only when partially mapped
                if (m.partiallyMapped(mh)) {
                    freed += splitMthp(mh);
                }
                continue;
            }
            int h = b << HPAGE_PMD_ORDER;
            folios.dequeue(b);
            if (folios.partiallyMapped(h)) {
                freed += splitFolio(h);
            } else if (thpUnderused(h, maxNone)) {
                freed += splitFolio(h);
                stat.count(VmEvent.THP_UNDERUSED_SPLIT_PAGE);
            }
        }
        return freed;
    }

    /**
     * thp_underused() (6.12): a THP with more zero-filled subpages than {@code maxNone} is
     * underused; the scan stops early either way (once {@code HPAGE_PMD_NR - maxNone} filled
     * subpages are found, it cannot be).
     */
    private boolean thpUnderused(int h, int maxNone) {
        if (maxNone >= HPAGE_PMD_NR) {
            return false;
        }
        int zeroes = 0;
        int filled = 0;
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            if (f.content[h + k] == 0) {
                if (++zeroes > maxNone) {
                    return true;
                }
            } else if (++filled >= HPAGE_PMD_NR - maxNone) {
                return false;
            }
        }
        return false;
    }
}
