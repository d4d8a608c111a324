package org.thplab.mm.core.machine;

import static org.thplab.mm.core.frames.Frames.ANON;
import static org.thplab.mm.core.frames.Frames.FREE_HEAD;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import org.thplab.mm.api.Tunables;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.spi.ReclaimContext;
import org.thplab.mm.spi.ReclaimPolicy;

/**
 * Memory reclaim and compaction: kswapd and direct reclaim (the {@link ReclaimPolicy} first,
 * then the anonymous LRU to swap), MADV_PAGEOUT, swap-out of base pages and whole THPs
 * (THP_SWAP), and compaction of one pageblock with kcompactd.
 *
 * <p>The anonymous LRU is approximated by a CLOCK over frame numbers with the PTE young bits as
 * the second chance (folio_referenced()), which needs no per-frame list; docs/model.md says so.
 */
final class Reclaim implements ReclaimContext {
    private final Machine m;
    private final Frames f;
    private int hand;
    private boolean direct;

    Reclaim(Machine m) {
        this.m = m;
        this.f = m.f;
    }

    // ----------------------------------------------------------------------------------------
    // Daemons.

    void wakeKswapd() {
        m.clock.scheduleOnce("kswapd", 0, this::kswapd);
    }

    void wakeKcompactd(int order) {
        m.clock.scheduleOnce("kcompactd", 0, () -> kcompactd(order));
    }

    /** balance_pgdat(): reclaim until free memory reaches the high watermark. */
    private void kswapd() {
        long free = m.buddy.freePages();
        if (free >= m.buddy.wmarkHigh) {
            return;
        }
        m.trace.emit("mm_vmscan_kswapd_wake", "nid=0 zid=2 order=0");
        m.stat.count(VmEvent.PAGEOUTRUN);
        reclaim(m.buddy.wmarkHigh - free, false);
    }

    /** kcompactd_do_work(): compact until a free pageblock exists. */
    private void kcompactd(int order) {
        m.stat.count(VmEvent.COMPACT_DAEMON_WAKE);
        if (m.buddy.hasFreeBlock(order)) {
            return;
        }
        int pfn = compactBlock(Buddy.MOVABLE, false);
        if (pfn >= 0) {
            m.buddy.free(pfn, HPAGE_PMD_ORDER);
        }
    }

    /** try_to_free_pages() from the allocator's slow path. */
    long directReclaim(long target) {
        m.trace.emit("mm_vmscan_direct_reclaim_begin", "order=0 gfp_flags=GFP_HIGHUSER_MOVABLE");
        m.stat.count(VmEvent.ALLOCSTALL_NORMAL);
        long freed = reclaim(target, true);
        m.trace.emit("mm_vmscan_direct_reclaim_end", "nr_reclaimed=" + freed);
        return freed;
    }

    /** The reclaim policy first (THP-related memory), then the anonymous LRU. @return pages freed */
    long reclaim(long target, boolean direct) {
        this.direct = direct;
        long before = m.buddy.freePages();
        ReclaimPolicy p = m.policies.reclaim();
        boolean done = false;
        if (m.usable(p)) {
            m.enterPolicy();
            try {
                p.reclaim(this, target);
                done = true;
            } catch (RuntimeException | StackOverflowError e) {
                m.policyFailed(p, "reclaim", e);
            } finally {
                m.exitPolicy();
            }
        }
        if (!done) {
            // Built-in fallback: give back everything THP-related at once.
            for (var r : m.reservations.lru(Integer.MAX_VALUE)) {
                releaseReservation(r.mm(), r.address());
            }
            splitDeferred(Long.MAX_VALUE);
            shrinkHugeZeroPage();
        }
        long freed = m.buddy.freePages() - before;
        if (freed < target && m.swap != null) {
            shrinkAnon(target - freed);
        }
        return m.buddy.freePages() - before;
    }

    // ----------------------------------------------------------------------------------------
    // ReclaimContext for policies.

    @Override
    public Tunables tunables() {
        return m.tunables;
    }

    @Override
    public boolean direct() {
        return direct;
    }

    @Override
    public long deferredSplitQueued() {
        return m.folios.deferredLength();
    }

    @Override
    public long splitDeferred(long max) {
        m.checkBudget();
        return m.folios.splitDeferred(max);
    }

    @Override
    public long shrinkHugeZeroPage() {
        if (m.hugeZeroPfn >= 0 && m.hugeZeroUsers == 0) {
            m.buddy.free(m.hugeZeroPfn, HPAGE_PMD_ORDER);
            m.hugeZeroPfn = -1;
            return HPAGE_PMD_NR;
        }
        return 0;
    }

    @Override
    public long reservedPages() {
        return m.reservations.reserved;
    }

    @Override
    public java.util.List<org.thplab.mm.spi.ReservationInfo> reservationLru(int max) {
        return m.reservations.lru(max);
    }

    @Override
    public long releaseReservation(int mm, long address) {
        m.checkBudget();
        AddressSpace a = m.mms.get(mm);
        if (a == null) {
            return 0;
        }
        var r = a.reservations.get(address);
        return r == null ? 0 : m.reservations.release(r);
    }

    // ----------------------------------------------------------------------------------------
    // The anonymous LRU, as a CLOCK.

    private void shrinkAnon(long target) {
        long before = m.buddy.freePages();
        long scanned = 0;
        long limit = 2L * f.nr;
        while (m.buddy.freePages() - before < target && scanned < limit && m.swap.free() > 0) {
            int p = hand;
            hand = (hand + 1) % f.nr;
            scanned++;
            if (f.type[p] != ANON || m.migrations.isolated(p, f.order[p] == HPAGE_PMD_ORDER ? HPAGE_PMD_NR : 1)) {
                continue; // not on the LRU: under a pending migration-entry promotion
            }
            m.clock.charge(CostModel.RECLAIM_SCAN);
            // shrink_inactive_list(): pgscan counts the folio's pages, pgsteal what was reclaimed.
            long pages = f.order[p] == HPAGE_PMD_ORDER ? HPAGE_PMD_NR : 1;
            m.stat.count(direct ? VmEvent.PGSCAN_DIRECT : VmEvent.PGSCAN_KSWAPD, pages);
            m.stat.count(VmEvent.PGSCAN_ANON, pages);
            if (referenced(p)) {
                if (f.order[p] == HPAGE_PMD_ORDER) {
                    hand = (p + HPAGE_PMD_NR) % f.nr;
                }
                continue;
            }
            long stolen = 0;
            if (f.order[p] == HPAGE_PMD_ORDER) {
                long out = m.stat.get(VmEvent.THP_SWPOUT);
                swapOutThp(p);
                stolen = m.stat.get(VmEvent.THP_SWPOUT) != out ? HPAGE_PMD_NR : 0; // else split, pages follow
                hand = p; // base pages left by a split are looked at next
            } else if (swapOutPage(p)) {
                stolen = 1;
            }
            m.stat.count(direct ? VmEvent.PGSTEAL_DIRECT : VmEvent.PGSTEAL_KSWAPD, stolen);
            m.stat.count(VmEvent.PGSTEAL_ANON, stolen);
        }
    }

    /** folio_referenced(): test and clear the young bits of every mapping of the folio. */
    private boolean referenced(int h) {
        boolean young = false;
        boolean large = f.order[h] == HPAGE_PMD_ORDER;
        int n = large ? HPAGE_PMD_NR : 1;
        for (AddressSpace mm : m.families.get(f.owner[h]).members) {
            for (int k = 0; k < n; k += large ? 1 : 1) {
                long va = (long) f.index[h + k] << 12;
                PmdTable t = mm.pt.lookup(va);
                if (t == null) {
                    break;
                }
                int i = PageTable.pmdIndex(va);
                PteTable ptes = t.pte[i];
                if (ptes == null) {
                    long pmd = t.pmd[i];
                    if (Pte.kind(pmd) == Pte.HUGE && Pte.pfn(pmd) == h && Pte.young(pmd)) {
                        t.pmd[i] = pmd & ~Pte.YOUNG;
                        young = true;
                    }
                    break;
                }
                int j = PageTable.pteIndex(va);
                long e = ptes.get(j);
                if (Pte.kind(e) == Pte.PRESENT && Pte.pfn(e) == h + k && Pte.young(e)) {
                    ptes.set(j, e & ~Pte.YOUNG);
                    young = true;
                }
            }
        }
        return young;
    }

    /** Swaps out one base page from every mapping (try_to_unmap + add_to_swap). */
    boolean swapOutPage(int p) {
        int slot = m.swap.alloc();
        if (slot < 0) {
            return false;
        }
        m.swap.content[slot] = f.content[p];
        m.swap.count[slot] = 0;
        long va = (long) f.index[p] << 12;
        for (AddressSpace mm : m.families.get(f.owner[p]).members.toArray(new AddressSpace[0])) {
            PmdTable t = mm.pt.lookup(va);
            if (t == null || t.pte[PageTable.pmdIndex(va)] == null) {
                continue;
            }
            PteTable ptes = t.pte[PageTable.pmdIndex(va)];
            int j = PageTable.pteIndex(va);
            if (Pte.kind(ptes.get(j)) == Pte.PRESENT && Pte.pfn(ptes.get(j)) == p) {
                m.swap.count[slot]++;
                ptes.set(j, Pte.make(Pte.SWAP, 0, slot));
                mm.rssAnon--;
                mm.swapEntries++;
                m.folios.removePteRmap(p);
            }
        }
        if (m.swap.count[slot] == 0) {
            m.swap.count[slot] = 1;
            m.swap.put(slot);
        }
        m.stat.count(VmEvent.PSWPOUT);
        m.clock.charge(CostModel.SWAP_OUT_4K + CostModel.TLB_FLUSH);
        return true;
    }

    /**
     * A THP: swapped out whole into a free cluster when it is mapped only by PMDs (THP_SWAP;
     * try_to_unmap() splits each PMD into 512 swap PTEs), else split and left to be swapped out
     * page by page (thp_swpout_fallback).
     */
    void swapOutThp(int h) {
        int b = h >> HPAGE_PMD_ORDER;
        int cluster = f.nrPagesMapped[b] == 0 && f.entireMapcount[b] > 0 ? m.swap.allocCluster() : -1;
        if (cluster < 0) {
            m.stat.count(VmEvent.THP_SWPOUT_FALLBACK);
            m.folios.splitFolio(h);
            return;
        }
        System.arraycopy(f.content, h, m.swap.content, cluster, HPAGE_PMD_NR);
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            m.swap.count[cluster + k] = 0;
        }
        long haddr = (long) f.index[h] << 12;
        for (AddressSpace mm : m.families.get(f.owner[h]).members.toArray(new AddressSpace[0])) {
            PmdTable t = mm.pt.lookup(haddr);
            int i = PageTable.pmdIndex(haddr);
            if (t == null || t.pte[i] != null || Pte.kind(t.pmd[i]) != Pte.HUGE || Pte.pfn(t.pmd[i]) != h) {
                continue;
            }
            m.folios.splitHugePmd(mm, t, i, haddr);
            PteTable ptes = t.pte[i];
            for (int k = 0; k < HPAGE_PMD_NR; k++) {
                ptes.set(k, Pte.make(Pte.SWAP, 0, cluster + k));
                m.swap.count[cluster + k]++;
                m.folios.removePteRmap(h + k);
            }
            mm.rssAnon -= HPAGE_PMD_NR;
            mm.swapEntries += HPAGE_PMD_NR;
        }
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            if (m.swap.count[cluster + k] == 0) {
                m.swap.count[cluster + k] = 1;
                m.swap.put(cluster + k);
            }
        }
        m.stat.count(VmEvent.THP_SWPOUT);
        m.stat.count(VmEvent.PSWPOUT, HPAGE_PMD_NR);
        m.clock.charge(CostModel.SWAP_OUT_4K * HPAGE_PMD_NR);
    }

    /**
     * MADV_PAGEOUT (madvise_cold_or_pageout_pte_range with pageout): pages mapped by this process
     * alone are reclaimed at once, young or not; a huge PMD the range covers whole is swapped out
     * as a THP, one it covers in part is split first; a PTE-mapped THP is split. Without swap
     * space nothing happens.
     */
    void pageout(AddressSpace mm, long from, long to) {
        if (m.swap == null) {
            return;
        }
        for (long va = from; va < to; ) {
            long pmdStart = va & ~(PMD_SIZE - 1);
            long segEnd = Math.min(to, pmdStart + PMD_SIZE);
            PmdTable t = mm.pt.lookup(va);
            if (t == null) {
                va = segEnd;
                continue;
            }
            int i = PageTable.pmdIndex(va);
            if (t.pte[i] == null && Pte.kind(t.pmd[i]) == Pte.HUGE) {
                int h = Pte.pfn(t.pmd[i]);
                if (f.ref[h] != 1) {
                    va = segEnd; // folio_likely_mapped_shared(): skip
                    continue;
                }
                if (va == pmdStart && segEnd == pmdStart + PMD_SIZE) {
                    swapOutThp(h);
                    if (t.pte[i] == null && t.pmd[i] != 0) {
                        va = segEnd; // no cluster: swapOutThp split it; pages follow below
                        continue;
                    }
                } else {
                    m.folios.splitHugePmd(mm, t, i, pmdStart);
                }
            }
            PteTable ptes = t.pte[i];
            if (ptes != null) {
                for (long a = va; a < segEnd; a += PAGE_SIZE) {
                    long e = ptes.get(PageTable.pteIndex(a));
                    if (Pte.kind(e) != Pte.PRESENT) {
                        continue;
                    }
                    int p = Pte.pfn(e);
                    if (f.order[p] == HPAGE_PMD_ORDER) {
                        int h = f.head(p);
                        if (f.ref[h] != f.nrPagesMapped[h >> HPAGE_PMD_ORDER]) {
                            continue; // some page of it is shared
                        }
                        m.folios.splitFolio(h);
                        e = ptes.get(PageTable.pteIndex(a));
                        if (Pte.kind(e) != Pte.PRESENT) {
                            continue;
                        }
                        p = Pte.pfn(e);
                    }
                    if (f.ref[p] == 1 && !swapOutPage(p)) {
                        return; // swap is full
                    }
                }
            }
            va = segEnd;
        }
    }

    // ----------------------------------------------------------------------------------------
    // Compaction.

    /** __alloc_pages_direct_compact(): compact one pageblock and capture it. @return its first frame or -1 */
    long compactAndTake(int order, int migratetype) {
        if (order > HPAGE_PMD_ORDER) {
            return -1;
        }
        // __compaction_suitable(): enough free memory to migrate into (low + compact_gap).
        if (!m.buddy.watermarkOk(0, m.buddy.wmarkLow + (2L << order))) {
            return -1;
        }
        m.stat.count(VmEvent.COMPACT_STALL);
        int pfn = compactBlock(migratetype, true);
        if (pfn < 0) {
            m.stat.count(VmEvent.COMPACT_FAIL);
            return -1;
        }
        m.stat.count(VmEvent.COMPACT_SUCCESS);
        if (order < HPAGE_PMD_ORDER) {
            m.buddy.free(pfn + (1 << order), order); // give back what the request does not need
            for (int o = order + 1; o < HPAGE_PMD_ORDER; o++) {
                m.buddy.free(pfn + (1 << o), o);
            }
        }
        return pfn;
    }

    /**
     * compact_zone() for one target: the pageblock with the fewest movable pages in use and no
     * unmovable ones is emptied by migrating its pages elsewhere. @return the emptied block's
     * first frame (allocated, all frames isolated), or -1 when no block can be emptied
     */
    private int compactBlock(int migratetype, boolean direct) {
        m.trace.emit("mm_compaction_begin", "zone_start=0x0 migrate_pfn=0x0 free_pfn=0x" + Integer.toHexString(f.nr)
                + " zone_end=0x" + Integer.toHexString(f.nr) + ", mode=" + (direct ? "sync" : "async"));
        int best = -1;
        int bestUsed = Integer.MAX_VALUE;
        long scanned = 0;
        for (int b = 1; b < f.nrBlocks; b++) {
            int used = m.buddy.used(b);
            if (used >= HPAGE_PMD_NR || used >= bestUsed) {
                continue;
            }
            scanned++;
            if (movable(b)) {
                best = b;
                bestUsed = used;
                if (used == 0) {
                    break;
                }
            }
        }
        m.stat.count(VmEvent.COMPACT_MIGRATE_SCANNED, scanned * HPAGE_PMD_NR);
        m.clock.charge(scanned * CostModel.COMPACT_SCAN_BLOCK);
        // Migration targets must come from outside the block and leave the min watermark intact.
        long freeInBlock = best < 0 ? 0 : HPAGE_PMD_NR - bestUsed;
        if (best < 0 || m.buddy.freePages() - freeInBlock < bestUsed + m.buddy.wmarkMin) {
            m.trace.emit("mm_compaction_end", "zone_start=0x0 zone_end=0x" + Integer.toHexString(f.nr) + " status=skipped");
            return -1;
        }
        int start = best << HPAGE_PMD_ORDER;
        for (int p = start; p < start + HPAGE_PMD_NR; ) {
            if (f.type[p] == FREE_HEAD) {
                int o = f.order[p];
                m.buddy.isolateFree(p);
                p += 1 << o;
            } else {
                p++;
            }
        }
        int migrated = 0;
        for (int p = start; p < start + HPAGE_PMD_NR; p++) {
            if (f.type[p] == ANON) {
                int np = m.buddy.alloc(0, Buddy.MOVABLE);
                m.stat.count(VmEvent.COMPACT_FREE_SCANNED);
                migrate(p, np);
                migrated++;
            }
        }
        m.trace.emit("mm_compaction_migratepages", "nr_migrated=" + migrated + " nr_failed=0");
        m.buddy.markBlockUsed(best);
        m.buddy.setMigratetype(best, migratetype);
        m.trace.emit("mm_compaction_end", "zone_start=0x0 zone_end=0x" + Integer.toHexString(f.nr) + " status=success");
        return start;
    }

    /** @return true when every frame of the block in use is an order-0 anonymous page */
    private boolean movable(int b) {
        if (m.reservations.byBlock[b] != null) {
            return false; // a reserved block stays where it is, to be promoted in place
        }
        int start = b << HPAGE_PMD_ORDER;
        if (m.migrations.isolated(start, HPAGE_PMD_NR)) {
            return false; // a page behind a migration entry is isolated already
        }
        for (int p = start; p < start + HPAGE_PMD_NR; p++) {
            byte ty = f.type[p];
            if (ty == Frames.FREE || ty == FREE_HEAD) {
                continue;
            }
            if (ty != ANON || f.order[p] != 0) {
                return false;
            }
        }
        return true;
    }

    /** migrate_pages() of one base page: copy it to {@code np} and repoint every PTE that maps it. */
    private void migrate(int p, int np) {
        f.type[np] = ANON;
        f.order[np] = 0;
        f.ref[np] = f.ref[p];
        f.map[np] = f.map[p];
        f.content[np] = f.content[p];
        f.owner[np] = f.owner[p];
        f.index[np] = f.index[p];
        long va = (long) f.index[p] << 12;
        for (AddressSpace mm : m.families.get(f.owner[p]).members) {
            PmdTable t = mm.pt.lookup(va);
            if (t == null) {
                continue;
            }
            PteTable ptes = t.pte[PageTable.pmdIndex(va)];
            if (ptes == null) {
                continue;
            }
            int j = PageTable.pteIndex(va);
            if (Pte.kind(ptes.get(j)) == Pte.PRESENT && Pte.pfn(ptes.get(j)) == p) {
                ptes.set(j, Pte.withPfn(ptes.get(j), np));
            }
        }
        f.type[p] = Frames.ISOLATED;
        f.ref[p] = 0;
        f.map[p] = 0;
        f.content[p] = 0;
        f.owner[p] = 0;
        f.index[p] = 0;
        m.stat.count(VmEvent.PGMIGRATE_SUCCESS);
        m.clock.charge(CostModel.MIGRATE_4K + CostModel.TLB_FLUSH);
    }
}
