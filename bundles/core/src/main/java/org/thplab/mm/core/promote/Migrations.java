package org.thplab.mm.core.promote;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.alloc.Allocator;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.folio.MigrationEntries;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmapLock;
import org.thplab.mm.core.vma.Reservation;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.alloc.AllocPurpose;
import org.thplab.mm.spi.promote.ScanResult;

/**
 * Promotion through migration entries, Zi Yan's idea in the reservation RFC's review: the range's
 * present PTEs are replaced by migration entries (under the mmap lock held for read, as
 * try_to_migrate() does), the huge page is built while they stand (a copy into a new huge page,
 * or in place when a reservation holds the range), and only the final PMD install takes the mmap
 * lock for write (Kirill Shutemov's reply: it still needs it). A fault on a migration entry waits
 * until the promotion completes (migration_entry_wait()).
 *
 * <p>The build takes simulated time: it completes as an event on the clock. Operations other
 * than a touch settle pending promotions first, as they would wait on the entries.
 */
public final class Migrations implements MigrationEntries {
    /** Replacing one PTE by a migration entry (try_to_migrate_one()). */
    static final long UNMAP_PTE = 100;
    /** Installing the huge PMD and withdrawing the PTE table. */
    static final long PMD_INSTALL = 1_000;

    private final Kernel k;
    private final Frames f;
    private final Allocator allocator;
    private final Folios folios;
    private final Reservations reservations;
    private final MmapLock mmapLock;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    /**
     * The pages behind migration entries: isolated from the LRU while their promotion is pending,
     * so compaction does not move them and reclaim does not pick them (isolate_migratepages_block()
     * and shrink_folio_list() only see pages on the LRU).
     */
    private final BitSet isolated = new BitSet();
    public long waits;
    public long waitNs;

    private final class Pending {
        final AddressSpace mm;
        final long haddr;
        final Reservation res;
        final int target;
        final long due;
        final String key;
        final int[] sources;
        boolean done;

        Pending(AddressSpace mm, long haddr, Reservation res, int target, long due, int[] sources) {
            this.mm = mm;
            this.haddr = haddr;
            this.res = res;
            this.target = target;
            this.due = due;
            this.key = mm.id + "@" + haddr;
            this.sources = sources;
        }
    }

    public Migrations(Kernel k, Allocator allocator, Folios folios, Reservations reservations, MmapLock mmapLock) {
        this.k = k;
        this.f = k.f();
        this.allocator = allocator;
        this.folios = folios;
        this.reservations = reservations;
        this.mmapLock = mmapLock;
    }

    /** Starts a promotion of the range at {@code haddr}; it completes {@code copy time} later. */
    public ScanResult start(AddressSpace mm, long haddr) {
        if (mm.dead) {
            return ScanResult.SCAN_ANY_PROCESS;
        }
        Vma v = mm.find(haddr);
        if (v == null || haddr < v.start || haddr + PMD_SIZE > v.end) {
            return ScanResult.SCAN_ADDRESS_RANGE;
        }
        if (pending.containsKey(mm.id + "@" + haddr)) {
            return ScanResult.SCAN_PAGE_LOCK;
        }
        PmdTable t = mm.pt.lookup(haddr);
        int i = PageTable.pmdIndex(haddr);
        if (t == null || (t.pte[i] == null && t.pmd[i] == 0)) {
            return ScanResult.SCAN_PMD_NONE;
        }
        if (t.pte[i] == null) {
            return ScanResult.SCAN_PMD_MAPPED;
        }
        PteTable ptes = t.pte[i];
        Reservation res = mm.reservations.get(haddr);
        boolean writable = false;
        int present = 0;
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            long e = ptes.get(k);
            int kind = Pte.kind(e);
            if (kind == Pte.EMPTY || kind == Pte.ZERO) {
                continue;
            }
            if (kind != Pte.PRESENT) {
                return ScanResult.SCAN_PTE_NON_PRESENT;
            }
            int p = Pte.pfn(e);
            int h = f.head(p);
            int entire = f.order[h] == HPAGE_PMD_ORDER ? f.entireMapcount[h >> HPAGE_PMD_ORDER] : 0;
            if (f.map[p] + entire > 1) {
                return ScanResult.SCAN_EXCEED_SHARED_PTE; // other mappers would need their PTEs migrated too
            }
            if (res != null && p != res.base + k) {
                res = null; // not the reservation's page: build by copy
            }
            writable |= Pte.writable(e);
            present++;
        }
        if (!writable) {
            return ScanResult.SCAN_PAGE_RO;
        }
        int target;
        long buildNs;
        if (res != null) {
            target = res.base;
            buildNs = CostModel.ZERO_4K * (HPAGE_PMD_NR - present);
        } else {
            target = allocator.alloc(HPAGE_PMD_ORDER, AllocPurpose.COLLAPSE, v.hugepage());
            if (target < 0) {
                k.stat().count(VmEvent.THP_COLLAPSE_ALLOC_FAILED);
                return ScanResult.SCAN_ALLOC_HUGE_PAGE_FAIL;
            }
            k.stat().count(VmEvent.THP_COLLAPSE_ALLOC);
            buildNs = CostModel.COPY_4K * present + CostModel.ZERO_4K * (HPAGE_PMD_NR - present);
            // The allocation may have reclaimed: the range must still be what was checked.
            if (t.pte[i] != ptes || changed(ptes)) {
                folios.freeUnused(target, HPAGE_PMD_ORDER);
                return ScanResult.SCAN_FAIL;
            }
        }
        int[] sources = new int[present];
        int n = 0;
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            if (Pte.kind(ptes.get(k)) == Pte.PRESENT) {
                ptes.set(k, (ptes.get(k) & ~Pte.KIND_MASK) | Pte.MIGRATION);
                sources[n++] = Pte.pfn(ptes.get(k));
                isolated.set(sources[n - 1]);
            }
        }
        k.clock().charge(UNMAP_PTE * present + CostModel.TLB_FLUSH);
        // try_to_migrate_one()'s flush of the PTEs now migration entries: every CPU the mm ran on.
        k.mmus().flushTlbRange(k.mmus().current(), mm.id, haddr, haddr + PMD_SIZE);
        Pending pd = new Pending(mm, haddr, res, target, k.clock().now() + buildNs, sources);
        pending.put(pd.key, pd);
        k.clock().schedule("migration " + pd.key, buildNs, () -> complete(pd));
        if (k.trace().on()) {
            k.trace().emit("mm_migrate_promote_begin", String.format("mm=%s, address=0x%x, in_place=%d, present=%d",
                    mm.name, haddr, res != null ? 1 : 0, present));
        }
        return ScanResult.SCAN_SUCCEED;
    }

    private boolean changed(PteTable ptes) {
        for (int j = 0; j < 512; j++) {
            int k = Pte.kind(ptes.get(j));
            if (k != Pte.EMPTY && k != Pte.ZERO && k != Pte.PRESENT) {
                return true;
            }
        }
        return false;
    }

    /** The build is done: install the huge PMD under the mmap write lock, or roll back. */
    private void complete(Pending pd) {
        if (pd.done) {
            return;
        }
        pd.done = true;
        pending.remove(pd.key);
        for (int p : pd.sources) {
            isolated.clear(p); // putback: the pages are the promotion's again, or back on the LRU
        }
        AddressSpace mm = pd.mm;
        PmdTable t = mm.pt.lookup(pd.haddr);
        int i = PageTable.pmdIndex(pd.haddr);
        PteTable ptes = t == null ? null : t.pte[i];
        boolean intact = !mm.dead && ptes != null;
        if (intact && pd.res != null) {
            intact = mm.reservations.get(pd.haddr) == pd.res;
        }
        if (!intact) {
            rollback(pd, ptes);
            return;
        }
        mmapLock.lockWrite(mm, "migration_entry");
        k.clock().charge(PMD_INSTALL + CostModel.TLB_FLUSH);
        int present = 0;
        for (int k = 0; k < HPAGE_PMD_NR; k++) {
            long e = ptes.get(k);
            if (Pte.kind(e) == Pte.MIGRATION) {
                present++;
                if (pd.res == null) {
                    f.content[pd.target + k] = f.content[Pte.pfn(e)];
                }
            } else if (pd.res == null || !pd.res.isMapped(k)) {
                f.content[pd.target + k] = 0;
            }
        }
        if (pd.res != null) {
            // In place: the reservation's pages become the THP, as Reservations.promote().
            reservations.promoteMigrated(pd.res, ptes);
        } else {
            for (int k = 0; k < HPAGE_PMD_NR; k++) {
                if (Pte.kind(ptes.get(k)) == Pte.MIGRATION) {
                    folios.removePteRmap(Pte.pfn(ptes.get(k)), mm.id);
                    mm.updateHiwaterRss();
                    mm.rssAnon--;
                }
            }
            folios.initAnon(pd.target, HPAGE_PMD_ORDER, mm.family.id, (int) (pd.haddr >>> 12));
            folios.addPmdRmap(pd.target, mm.id);
            mm.rssAnon += HPAGE_PMD_NR;
            k.tunables().pagesCollapsed++;
        }
        // The PTE table goes from under the PMD, as in pmdp_collapse_flush(): the paging-structure caches of every CPU.
        k.mmus().flushTlbRange(k.mmus().current(), mm.id, pd.haddr, pd.haddr + PMD_SIZE);
        t.remove(i);
        t.pmd[i] = Pte.make(Pte.HUGE, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, pd.target);
        mmapLock.unlockWrite(mm);
        if (k.trace().on()) {
            k.trace().emit("mm_migrate_promote_end", String.format("mm=%s, address=0x%x, present=%d, status=succeeded",
                    mm.name, pd.haddr, present));
        }
    }

    /** Restores PRESENT PTEs from the migration entries left; frees a copy target. */
    private void rollback(Pending pd, PteTable ptes) {
        if (ptes != null) {
            for (int k = 0; k < HPAGE_PMD_NR; k++) {
                if (Pte.kind(ptes.get(k)) == Pte.MIGRATION) {
                    ptes.set(k, (ptes.get(k) & ~Pte.KIND_MASK) | Pte.PRESENT);
                }
            }
        }
        if (pd.res == null) {
            folios.freeUnused(pd.target, HPAGE_PMD_ORDER);
        }
        if (k.trace().on()) {
            k.trace().emit("mm_migrate_promote_end", String.format("mm=%s, address=0x%x, status=rolled_back", pd.mm.name, pd.haddr));
        }
    }

    /** migration_entry_wait(): a fault on a migration entry waits for its promotion. */
    @Override
    public void waitFor(AddressSpace mm, long va) {
        Pending pd = pending.get(mm.id + "@" + (va & ~(PMD_SIZE - 1)));
        if (pd == null) {
            throw new IllegalStateException("migration entry at 0x" + Long.toHexString(va) + " without a pending promotion");
        }
        long wait = Math.max(0, pd.due - k.clock().now());
        waits++;
        waitNs += wait;
        k.clock().charge(wait);
        complete(pd);
    }

    /**
     * The OOM killer takes {@code mm}: its pending promotions are abandoned, as a migration whose
     * process dies fails and remove_migration_ptes() puts the old pages back, so that the zap
     * that follows frees them like any others and none stays marked isolated.
     */
    public void abandon(AddressSpace mm) {
        for (Pending pd : new ArrayList<>(pending.values())) {
            if (pd.mm != mm) {
                continue;
            }
            pd.done = true;
            pending.remove(pd.key);
            for (int p : pd.sources) {
                isolated.clear(p);
            }
            PmdTable t = mm.pt.lookup(pd.haddr);
            rollback(pd, t == null ? null : t.pte[PageTable.pmdIndex(pd.haddr)]);
        }
    }

    /** Completes every pending promotion (an operation that would wait on their entries). */
    public void settle() {
        if (pending.isEmpty()) {
            return; // the common case, after every operation
        }
        for (Pending pd : new ArrayList<>(pending.values())) {
            long wait = Math.max(0, pd.due - k.clock().now());
            k.clock().charge(wait);
            complete(pd);
        }
    }

    /**
     * check(): every pending promotion belongs to a live process whose PTEs of the range are
     * migration entries to its source pages; every isolated page is such a source, and every
     * source is isolated.
     */
    public void checkIsolation(java.util.function.Consumer<String> problem) {
        BitSet sources = new BitSet();
        for (Pending pd : pending.values()) {
            for (int p : pd.sources) {
                sources.set(p);
            }
            String where = "pending promotion of " + pd.mm.name + " at 0x" + Long.toHexString(pd.haddr);
            if (pd.mm.dead) {
                problem.accept(where + ": the process has exited");
                continue;
            }
            PmdTable t = pd.mm.pt.lookup(pd.haddr);
            PteTable ptes = t == null ? null : t.pte[PageTable.pmdIndex(pd.haddr)];
            BitSet mapped = new BitSet();
            for (int k = 0; ptes != null && k < HPAGE_PMD_NR; k++) {
                if (Pte.kind(ptes.get(k)) == Pte.MIGRATION) {
                    mapped.set(Pte.pfn(ptes.get(k)));
                }
            }
            for (int p : pd.sources) {
                if (!mapped.get(p)) {
                    problem.accept(where + ": source frame " + p + " is not behind one of its migration entries");
                }
            }
        }
        BitSet stray = (BitSet) isolated.clone();
        stray.andNot(sources);
        for (int p = stray.nextSetBit(0); p >= 0; p = stray.nextSetBit(p + 1)) {
            problem.accept("frame " + p + " is isolated for a migration-entry promotion that is no longer pending");
        }
        sources.andNot(isolated);
        for (int p = sources.nextSetBit(0); p >= 0; p = sources.nextSetBit(p + 1)) {
            problem.accept("frame " + p + " is the source of a pending promotion but not isolated");
        }
    }

    /** @return true when a page in [pfn, pfn + n) is isolated for a pending promotion */
    @Override
    public boolean isolated(int pfn, int n) {
        int next = isolated.nextSetBit(pfn);
        return next >= 0 && next < pfn + n;
    }

    public boolean any() {
        return !pending.isEmpty();
    }
}
