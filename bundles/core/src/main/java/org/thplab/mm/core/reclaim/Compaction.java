package org.thplab.mm.core.reclaim;

import static org.thplab.mm.core.frames.Frames.ANON;
import static org.thplab.mm.core.frames.Frames.FREE_HEAD;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;

import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.folio.MigrationEntries;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.trace.Tracer;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Tasks;

/**
 * Compaction of one pageblock (mm/compaction.c, much simplified): direct compaction with capture
 * for the allocator's slow path, and kcompactd. Compaction is not reclaim: it frees nothing, it
 * moves base pages out of the block with the fewest in use.
 */
public final class Compaction {
    private final Frames f;
    private final Buddy buddy;
    private final Clock clock;
    private final VmStat stat;
    private final Tracer trace;
    private final Tasks tasks;
    private final Reservations reservations;
    private final MigrationEntries migrations;

    public Compaction(Kernel k, Reservations reservations, MigrationEntries migrations) {
        this.f = k.f();
        this.buddy = k.buddy();
        this.clock = k.clock();
        this.stat = k.stat();
        this.trace = k.trace();
        this.tasks = k.tasks();
        this.reservations = reservations;
        this.migrations = migrations;
    }

    /** kcompactd_do_work(): compact until a free pageblock exists. */
    public void kcompactd(int order) {
        stat.count(VmEvent.COMPACT_DAEMON_WAKE);
        if (buddy.hasFreeBlock(order)) {
            return;
        }
        int pfn = compactBlock(Buddy.MOVABLE, false);
        if (pfn >= 0) {
            buddy.free(pfn, HPAGE_PMD_ORDER);
        }
    }


    /** __alloc_pages_direct_compact(): compact one pageblock and capture it. @return its first frame or -1 */
    public long compactAndTake(int order, int migratetype) {
        if (order > HPAGE_PMD_ORDER) {
            return -1;
        }
        // __compaction_suitable(): enough free memory to migrate into (low + compact_gap).
        if (!buddy.watermarkOk(0, buddy.watermarks.low() + (2L << order))) {
            return -1;
        }
        stat.count(VmEvent.COMPACT_STALL);
        int pfn = compactBlock(migratetype, true);
        if (pfn < 0) {
            stat.count(VmEvent.COMPACT_FAIL);
            return -1;
        }
        stat.count(VmEvent.COMPACT_SUCCESS);
        if (order < HPAGE_PMD_ORDER) {
            buddy.free(pfn + (1 << order), order); // give back what the request does not need
            for (int o = order + 1; o < HPAGE_PMD_ORDER; o++) {
                buddy.free(pfn + (1 << o), o);
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
        buddy.settle(); // the scan below reads free frames' type and order directly
        if (trace.on()) {
            trace.emit("mm_compaction_begin", "zone_start=0x0 migrate_pfn=0x0 free_pfn=0x" + Integer.toHexString(f.nr)
                    + " zone_end=0x" + Integer.toHexString(f.nr) + ", mode=" + (direct ? "sync" : "async"));
        }
        int best = -1;
        int bestUsed = Integer.MAX_VALUE;
        long scanned = 0;
        for (int b = 1; b < f.nrBlocks; b++) {
            int used = buddy.used(b);
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
        stat.count(VmEvent.COMPACT_MIGRATE_SCANNED, scanned * HPAGE_PMD_NR);
        clock.charge(scanned * CostModel.COMPACT_SCAN_BLOCK);
        // Migration targets must come from outside the block and leave the min watermark intact.
        long freeInBlock = best < 0 ? 0 : HPAGE_PMD_NR - bestUsed;
        if (best < 0 || buddy.freePages() - freeInBlock < bestUsed + buddy.watermarks.min()) {
            if (trace.on()) {
                trace.emit("mm_compaction_end", "zone_start=0x0 zone_end=0x" + Integer.toHexString(f.nr) + " status=skipped");
            }
            return -1;
        }
        int start = best << HPAGE_PMD_ORDER;
        for (int p = start; p < start + HPAGE_PMD_NR; ) {
            if (f.type[p] == FREE_HEAD) {
                int o = f.order[p];
                buddy.isolateFree(p);
                p += 1 << o;
            } else {
                p++;
            }
        }
        int migrated = 0;
        for (int p = start; p < start + HPAGE_PMD_NR; p++) {
            if (f.type[p] == ANON) {
                int np = buddy.alloc(0, Buddy.MOVABLE);
                stat.count(VmEvent.COMPACT_FREE_SCANNED);
                migrate(p, np);
                migrated++;
            }
        }
        if (trace.on()) {
            trace.emit("mm_compaction_migratepages", "nr_migrated=" + migrated + " nr_failed=0");
        }
        buddy.markBlockUsed(best);
        buddy.setMigratetype(best, migratetype);
        if (trace.on()) {
            trace.emit("mm_compaction_end", "zone_start=0x0 zone_end=0x" + Integer.toHexString(f.nr) + " status=success");
        }
        return start;
    }

    /** @return true when every frame of the block in use is an order-0 anonymous page */
    private boolean movable(int b) {
        if (reservations.ofBlock(b) != null) {
            return false; // a reserved block stays where it is, to be promoted in place
        }
        int start = b << HPAGE_PMD_ORDER;
        if (migrations.isolated(start, HPAGE_PMD_NR)) {
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
        for (AddressSpace mm : tasks.family(f.owner[p])) {
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
        stat.count(VmEvent.PGMIGRATE_SUCCESS);
        clock.charge(CostModel.MIGRATE_4K + CostModel.TLB_FLUSH);
    }
}
