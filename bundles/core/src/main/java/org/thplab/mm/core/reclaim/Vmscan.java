package org.thplab.mm.core.reclaim;

import static org.thplab.mm.core.frames.Frames.ANON;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;

import org.thplab.mm.api.Tunables;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.alloc.SlowPath;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.folio.FolioReferenced;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.folio.HugeSplit;
import org.thplab.mm.core.folio.MigrationEntries;
import org.thplab.mm.core.folio.ZeroPages;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.trace.Tracer;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Tasks;
import org.thplab.mm.spi.reclaim.ReclaimContext;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;

/**
 * Memory reclaim (mm/vmscan.c): kswapd and direct reclaim, the {@link ReclaimPolicy} first (the
 * THP-related memory it decides to give back), then the anonymous LRU to swap. Serves the
 * allocator's slow path, with {@link Compaction} for the compaction part.
 *
 * <p>The anonymous LRU is approximated by a CLOCK over frame numbers with the PTE young bits as
 * the second chance (folio_referenced()), which needs no per-frame list; docs/model.md says so.
 */
public final class Vmscan implements ReclaimContext, SlowPath {
    private static final PolicyGuard.Call<ReclaimPolicy, Vmscan> RECLAIM = (p, v) -> p.reclaim(v, v.target);

    private final Kernel k;
    private final Frames f;
    private final Buddy buddy;
    private final Clock clock;
    private final VmStat stat;
    private final Tracer trace;
    private final PolicyGuard guard;
    private final SwapDevice swap;
    private final Tasks tasks;
    private final Folios folios;
    private final HugeSplit split;
    private final ZeroPages zero;
    private final Reservations reservations;
    private final MigrationEntries migrations;
    private final SwapOut swapOut;
    private final Compaction compaction;
    private final FolioReferenced referenced;
    private int hand;
    private boolean direct;
    private long target;

    public Vmscan(Kernel k, Folios folios, HugeSplit split, ZeroPages zero, Reservations reservations,
            MigrationEntries migrations, SwapOut swapOut, Compaction compaction, FolioReferenced referenced) {
        this.k = k;
        this.f = k.f();
        this.buddy = k.buddy();
        this.clock = k.clock();
        this.stat = k.stat();
        this.trace = k.trace();
        this.guard = k.guard();
        this.swap = k.swap();
        this.tasks = k.tasks();
        this.folios = folios;
        this.split = split;
        this.zero = zero;
        this.reservations = reservations;
        this.migrations = migrations;
        this.swapOut = swapOut;
        this.compaction = compaction;
        this.referenced = referenced;
    }

    // ----------------------------------------------------------------------------------------
    // Daemons and the allocator's slow path.

    @Override
    public void wakeKswapd() {
        clock.scheduleOnce("kswapd", 0, this::kswapd);
    }

    /** After every operation: kswapd wakes when free memory is below the low watermark. */
    public void wakeKswapdBelowLow() {
        if (buddy.freePages() < buddy.watermarks.low()) {
            wakeKswapd();
        }
    }

    @Override
    public void wakeKcompactd(int order) {
        clock.scheduleOnce("kcompactd", 0, () -> compaction.kcompactd(order));
    }

    /** balance_pgdat(): reclaim until free memory reaches the high watermark. */
    private void kswapd() {
        long free = buddy.freePages();
        if (free >= buddy.watermarks.high()) {
            return;
        }
        trace.emit("mm_vmscan_kswapd_wake", "nid=0 zid=2 order=0");
        stat.count(VmEvent.PAGEOUTRUN);
        reclaim(buddy.watermarks.high() - free, false);
    }


    /** try_to_free_pages() from the allocator's slow path. */
    @Override
    public long directReclaim(long target) {
        trace.emit("mm_vmscan_direct_reclaim_begin", "order=0 gfp_flags=GFP_HIGHUSER_MOVABLE");
        stat.count(VmEvent.ALLOCSTALL_NORMAL);
        long freed = reclaim(target, true);
        if (trace.on()) {
            trace.emit("mm_vmscan_direct_reclaim_end", "nr_reclaimed=" + freed);
        }
        return freed;
    }

    /** The reclaim policy first (THP-related memory), then the anonymous LRU. @return pages freed */
    public long reclaim(long target, boolean direct) {
        this.direct = direct;
        long before = buddy.freePages();
        ReclaimPolicy p = guard.policies().reclaim();
        this.target = target;
        if (!guard.usable(p) || !guard.call(p, "reclaim", this, RECLAIM)) {
            // Built-in fallback: give back everything THP-related at once.
            for (var r : reservations.lru(Integer.MAX_VALUE)) {
                releaseReservation(r.mm(), r.address());
            }
            splitDeferred(Long.MAX_VALUE);
            shrinkHugeZeroPage();
        }
        long freed = buddy.freePages() - before;
        if (freed < target && swap != null) {
            shrinkAnon(target - freed);
        }
        return buddy.freePages() - before;
    }

    @Override
    public long compactAndTake(int order, int migratetype) {
        return compaction.compactAndTake(order, migratetype);
    }

    // ----------------------------------------------------------------------------------------
    // ReclaimContext for policies.


    @Override
    public Tunables tunables() {
        return k.tunables();
    }

    @Override
    public boolean direct() {
        return direct;
    }

    @Override
    public long deferredSplitQueued() {
        return folios.deferredLength();
    }

    @Override
    public long splitDeferred(long max) {
        guard.checkBudget();
        return split.splitDeferred(max);
    }

    @Override
    public long splitDeferred(long max, int maxPtesNone) {
        guard.checkBudget();
        if (maxPtesNone < 0 || maxPtesNone > HPAGE_PMD_NR) {
            throw new IllegalArgumentException("splitDeferred: maxPtesNone " + maxPtesNone + " is not in 0..512");
        }
        return split.splitDeferred(max, maxPtesNone);
    }

    @Override
    public long shrinkHugeZeroPage() {
        guard.checkBudget();
        if (zero.hugeZeroPfn >= 0 && zero.hugeZeroUsers == 0) {
            buddy.free(zero.hugeZeroPfn, HPAGE_PMD_ORDER);
            zero.hugeZeroPfn = -1;
            return HPAGE_PMD_NR;
        }
        return 0;
    }

    @Override
    public long reservedPages() {
        return reservations.reserved;
    }

    @Override
    public java.util.List<org.thplab.mm.spi.ReservationInfo> reservationLru(int max) {
        return reservations.lru(max);
    }

    @Override
    public long reservationLruLength() {
        return reservations.lruLength();
    }

    @Override
    public long releaseReservation(int mm, long address) {
        guard.checkBudget();
        AddressSpace a = tasks.mms.get(mm);
        if (a == null) {
            return 0;
        }
        var r = a.reservations.get(address);
        return r == null ? 0 : reservations.release(r);
    }

    // ----------------------------------------------------------------------------------------
    // The anonymous LRU, as a CLOCK.

    private void shrinkAnon(long target) {
        long before = buddy.freePages();
        long scanned = 0;
        long limit = 2L * f.nr;
        while (buddy.freePages() - before < target && scanned < limit && swap.free() > 0) {
            int p = hand;
            hand = (hand + 1) % f.nr;
            scanned++;
            if (f.type[p] != ANON || migrations.isolated(p, 1 << f.order[p])) {
                continue; // not on the LRU: under a pending migration-entry promotion
            }
            clock.charge(CostModel.RECLAIM_SCAN);
            // shrink_inactive_list(): pgscan counts the folio's pages, pgsteal what was reclaimed.
            long pages = 1 << f.order[p];
            stat.count(direct ? VmEvent.PGSCAN_DIRECT : VmEvent.PGSCAN_KSWAPD, pages);
            stat.count(VmEvent.PGSCAN_ANON, pages);
            if (referenced.referenced(p, true)) { // folio_referenced()
                if (f.order[p] != 0) {
                    hand = (p + (1 << f.order[p])) % f.nr;
                }
                continue;
            }
            long stolen = 0;
            if (f.mthp(p)) {
                // shrink_folio_list(): an mTHP that cannot go to swap whole is split, its pages follow.
                swapOut.splitMthpForReclaim(p);
                hand = p;
            } else if (f.order[p] == HPAGE_PMD_ORDER) {
                long out = stat.get(VmEvent.THP_SWPOUT);
                swapOut.swapOutThp(p);
                stolen = stat.get(VmEvent.THP_SWPOUT) != out ? HPAGE_PMD_NR : 0; // else split, pages follow
                hand = p; // base pages left by a split are looked at next
            } else if (swapOut.swapOutPage(p)) {
                stolen = 1;
            }
            stat.count(direct ? VmEvent.PGSTEAL_DIRECT : VmEvent.PGSTEAL_KSWAPD, stolen);
            stat.count(VmEvent.PGSTEAL_ANON, stolen);
        }
    }
}
