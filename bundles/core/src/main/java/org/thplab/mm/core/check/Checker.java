package org.thplab.mm.core.check;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;

import java.util.ArrayList;
import java.util.List;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.folio.PageTables;
import org.thplab.mm.core.folio.ZeroPages;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.promote.Migrations;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.vma.AddressSpace;

/**
 * {@code mm:check}: recomputes, from the free lists and every page table, who owns each frame
 * and how often each page is mapped, and compares that with what the frames say: no frame leaked
 * or owned twice, refcounts and mapcounts add up, rmap points back at the mapping, and the
 * counters agree with the page tables.
 */
public final class Checker {
    private static final int MAX_REPORTS = 20;
    private final Kernel k;
    private final Frames f;
    private final Folios folios;
    private final PageTables pageTables;
    private final ZeroPages zero;
    private final Reservations reservations;
    private final Migrations migrations;
    private final List<String> problems = new ArrayList<>();
    private int reported;

    public Checker(Kernel k, Folios folios, PageTables tables, ZeroPages zero, Reservations reservations, Migrations migrations) {
        this.k = k;
        this.f = k.f();
        this.folios = folios;
        this.pageTables = tables;
        this.zero = zero;
        this.reservations = reservations;
        this.migrations = migrations;
    }

    private void problem(String s) {
        if (reported++ < MAX_REPORTS) {
            problems.add(s);
        }
    }

    public List<String> run() {
        int n = f.nr;
        // owners[p]: 0 = nobody, 1 = free list, 2 = a folio or a kernel page, 3 = a page table
        byte[] owners = new byte[n];
        int[] pteMaps = new int[n];       // PTE mappings per page
        long[] pmds = new long[f.nrBlocks]; // PMD mappings per THP
        // Per large folio's head: the id of the one process that maps it, or -1 for several.
        java.util.Map<Integer, Integer> mappedBy = new java.util.HashMap<>();
        long[] swapRefs = k.swap() == null ? null : new long[k.swap().nslots];
        long free = 0;

        // Free lists.
        long[] freeCount = {0};
        k.buddy().forEachFreeBlock((head, order, mt) -> {
            if (f.type[head] != Frames.FREE_HEAD || f.order[head] != order) {
                problem(String.format("free list %d/%d holds frame %d of type %d order %d", order, mt, head, f.type[head], f.order[head]));
            }
            for (int k = 0; k < (1 << order); k++) {
                int p = head + k;
                if (owners[p] != 0) {
                    problem("frame " + p + " is on a free list twice");
                }
                owners[p] = 1;
                if (k > 0 && f.type[p] != Frames.FREE) {
                    problem("frame " + p + " inside a free block has type " + f.type[p]);
                }
                if (k > 0 && (f.ref[p] != 0 || f.map[p] != 0)) {
                    // An allocated block starts with refcounts and mapcounts of 0 unwritten.
                    problem("frame " + p + " inside a free block has refcount " + f.ref[p] + ", mapcount " + f.map[p]);
                }
            }
            freeCount[0] += 1L << order;
        });
        free = freeCount[0];
        if (free != k.buddy().freePages()) {
            problem("nr_free_pages is " + k.buddy().freePages() + " but the free lists hold " + free);
        }

        // Page tables of every process.
        long hugeZeroMaps = 0;
        long tables = 0;
        for (AddressSpace mm : k.tasks().procs.values()) {
            long rss = 0;
            long swapents = 0;
            long mmTables = 0;
            if (!k.tasks().family(mm.family.id).contains(mm)) {
                problem("process " + mm.name + " is missing from its rmap family");
            }
            for (int d = 0; d < mm.pt.dirLength(); d++) {
                PmdTable t = mm.pt.dir(d);
                if (t == null) {
                    continue;
                }
                long gib = (long) d << PageTable.DIR_SHIFT;
                mmTables += claimTable(owners, t.frame, mm, "PMD table of the GiB", gib);
                if (mm.pt.pudFrame(gib) < 0) {
                    problem(mm.name + ": the PMD table of the GiB at 0x" + Long.toHexString(gib) + " has no PUD table above it");
                }
                String hits = t.readHitProblem();
                if (hits != null) {
                    problem(mm.name + ", the GiB at 0x" + Long.toHexString((long) d << PageTable.DIR_SHIFT) + ": " + hits);
                }
                int used = 0;
                for (int i = 0; i < 512; i++) {
                    long base = ((long) d << PageTable.DIR_SHIFT) + ((long) i << PageTable.PMD_SHIFT);
                    PteTable pt = t.pte[i];
                    long pmd = t.pmd[i];
                    int table = t.tableFrame[i];
                    if (pt == null && pmd == 0) {
                        if (table >= 0) {
                            problem(mm.name + ": empty PMD slot at 0x" + Long.toHexString(base) + " holds table frame " + table);
                        }
                        continue;
                    }
                    used++;
                    if (pt != null && pmd != 0) {
                        problem(mm.name + ": PMD at 0x" + Long.toHexString(base) + " is both huge and a table");
                    }
                    mmTables += claimTable(owners, table, mm, "PTE table of the PMD", base);
                    if (mm.find(base) == null && mm.find(base + PageTable.PMD_SIZE - 1) == null && pt == null) {
                        problem(mm.name + ": huge PMD at 0x" + Long.toHexString(base) + " outside every VMA");
                    }
                    if (pt == null) {
                        int h = Pte.pfn(pmd);
                        if (Pte.kind(pmd) == Pte.HUGE_ZERO) {
                            hugeZeroMaps++;
                            if (h != zero.hugeZeroPfn) {
                                problem(mm.name + ": huge zero PMD maps " + h + ", not the huge zero page");
                            }
                        } else if (Pte.kind(pmd) == Pte.HUGE) {
                            if ((h & (HPAGE_PMD_NR - 1)) != 0 || f.type[h] != Frames.ANON || f.order[h] != HPAGE_PMD_ORDER) {
                                problem(mm.name + ": huge PMD at 0x" + Long.toHexString(base) + " maps frame " + h + " that is not a THP head");
                            } else {
                                pmds[h >> HPAGE_PMD_ORDER]++;
                                mappedBy(mappedBy, h, mm.id);
                                rss += HPAGE_PMD_NR;
                                checkRmap(mm, h, base);
                            }
                        } else {
                            problem(mm.name + ": bad PMD kind " + Pte.kind(pmd));
                        }
                        continue;
                    }
                    for (int j = 0; j < 512; j++) {
                        long e = pt.get(j);
                        long va = base + ((long) j << 12);
                        switch (Pte.kind(e)) {
                            case Pte.EMPTY -> { }
                            case Pte.ZERO -> {
                                if (Pte.pfn(e) != zero.zeroPfn) {
                                    problem(mm.name + ": zero PTE at 0x" + Long.toHexString(va) + " maps " + Pte.pfn(e));
                                }
                            }
                            case Pte.PRESENT -> {
                                int p = Pte.pfn(e);
                                if (p <= 0 || p >= n || !Frames.isAnon(f.type[p])) {
                                    problem(mm.name + ": PTE at 0x" + Long.toHexString(va) + " maps frame " + p + " that is not anonymous");
                                } else {
                                    pteMaps[p]++;
                                    if (f.large(p) || f.mthp(p)) {
                                        mappedBy(mappedBy, f.head(p), mm.id);
                                    }
                                    rss++;
                                    checkRmap(mm, p, va);
                                }
                                if (mm.find(va) == null) {
                                    problem(mm.name + ": PTE at 0x" + Long.toHexString(va) + " outside every VMA");
                                }
                            }
                            case Pte.SWAP -> {
                                swapents++;
                                int s = Pte.pfn(e);
                                if (swapRefs == null || s >= swapRefs.length) {
                                    problem(mm.name + ": swap PTE with bad slot " + s);
                                } else {
                                    swapRefs[s]++;
                                }
                            }
                            default -> problem(mm.name + ": PTE kind " + Pte.kind(e) + " at 0x" + Long.toHexString(va));
                        }
                    }
                }
                if (used != t.used) {
                    problem(mm.name + ": PMD table says " + t.used + " slots in use, found " + used);
                }
            }
            for (long g = 0; g << (PageTable.PGDIR_SHIFT - PageTable.DIR_SHIFT) < mm.pt.dirLength(); g++) {
                int pud = mm.pt.pudFrame(g << PageTable.PGDIR_SHIFT);
                mmTables += pud < 0 ? 0 : claimTable(owners, pud, mm, "PUD table of the 512 GiB", g << PageTable.PGDIR_SHIFT);
            }
            if (rss != mm.rssAnon) {
                problem(mm.name + ": MM_ANONPAGES is " + mm.rssAnon + " but the page tables map " + rss);
            }
            if (swapents != mm.swapEntries) {
                problem(mm.name + ": MM_SWAPENTS is " + mm.swapEntries + " but the page tables hold " + swapents);
            }
            if (mmTables != mm.pgtables) {
                problem(mm.name + ": charged " + mm.pgtables + " page tables but holds " + mmTables);
            }
            tables += mmTables;
        }
        if (tables != pageTables.pgtables) {
            problem("nr_page_table_pages is " + pageTables.pgtables + " but the page tables use " + tables);
        }
        if (hugeZeroMaps != zero.hugeZeroUsers) {
            problem("the huge zero page has " + zero.hugeZeroUsers + " users but " + hugeZeroMaps + " PMDs map it");
        }

        // Reservations: unused pages are isolated frames of their block, mapped ones are base pages.
        long reservedCount = 0;
        for (AddressSpace mm : k.tasks().mms.values()) {
            for (var r : mm.reservations.values()) {
                if (reservations.ofBlock(r.base >> HPAGE_PMD_ORDER) != r) {
                    problem(mm.name + ": reservation at 0x" + Long.toHexString(r.haddr) + " is not indexed by its block");
                }
                if (mm.dead) {
                    problem(mm.name + " exited but still holds a reservation");
                }
                int used = 0;
                for (int k = 0; k < HPAGE_PMD_NR; k++) {
                    int p = r.base + k;
                    if (r.isMapped(k)) {
                        used++;
                        if (f.type[p] != Frames.ANON || f.order[p] != 0) {
                            problem("reservation page " + p + " is mapped but not a base page (type " + f.type[p] + ")");
                        }
                    } else {
                        reservedCount++;
                        if (f.type[p] != Frames.ISOLATED) {
                            problem("reservation page " + p + " is unused but has type " + f.type[p]);
                        }
                        owners[p] = 2;
                    }
                }
                if (used != r.used) {
                    problem(mm.name + ": reservation at 0x" + Long.toHexString(r.haddr) + " counts " + r.used + " used pages, " + used + " are");
                }
            }
        }
        if (reservedCount != reservations.reserved) {
            problem("nr_thp_reserved is " + reservations.reserved + " but reservations hold " + reservedCount + " unused pages");
        }

        // Frames versus what maps them.
        long anon = 0;
        long anonMapped = 0; // NR_ANON_MAPPED by its definition: pages a PTE of theirs or a PMD of their folio maps
        long thps = 0;
        long large = 0;
        long partials = 0;
        for (int p = 0; p < n; p++) {
            byte ty = f.type[p];
            if (owners[p] == 1) {
                if (ty != Frames.FREE && ty != Frames.FREE_HEAD) {
                    problem("frame " + p + " is on a free list but has type " + ty);
                }
                continue;
            }
            switch (ty) {
                case Frames.FREE, Frames.FREE_HEAD -> problem("frame " + p + " is free but on no free list");
                case Frames.PGTABLE -> {
                    if (owners[p] != 3) {
                        problem("page table frame " + p + " is leaked: no PMD refers to it");
                    }
                }
                case Frames.ANON -> {
                    anon++;
                    if (f.order[p] == HPAGE_PMD_ORDER) {
                        anon += HPAGE_PMD_NR - 1;
                        large++;
                        partials += folios.partiallyMapped(p) ? 1 : 0;
                        int b = p >> HPAGE_PMD_ORDER;
                        long mappings = pmds[b];
                        int mapped = 0;
                        for (int k = 0; k < HPAGE_PMD_NR; k++) {
                            int q = p + k;
                            if (k > 0 && (f.type[q] != Frames.ANON_TAIL || f.order[q] != HPAGE_PMD_ORDER)) {
                                problem("THP " + p + ": frame " + q + " is not its tail");
                            }
                            if (f.map[q] != pteMaps[q]) {
                                problem("frame " + q + ": mapcount " + f.map[q] + " but " + pteMaps[q] + " PTEs map it");
                            }
                            mappings += pteMaps[q];
                            if (pteMaps[q] > 0) {
                                mapped++;
                            }
                        }
                        if (f.entireMapcount[b] != pmds[b]) {
                            problem("THP " + p + ": entire mapcount " + f.entireMapcount[b] + " but " + pmds[b] + " PMDs map it");
                        }
                        if (pmds[b] > 0) {
                            thps++;
                        }
                        anonMapped += pmds[b] > 0 ? HPAGE_PMD_NR : mapped;
                        if (f.nrPagesMapped[b] != mapped) {
                            problem("THP " + p + ": _nr_pages_mapped " + f.nrPagesMapped[b] + " but " + mapped + " pages are PTE-mapped");
                        }
                        if (f.ref[p] != mappings) {
                            problem("THP " + p + ": refcount " + f.ref[p] + " but " + mappings + " mappings");
                        }
                        if (mappings == 0) {
                            problem("THP " + p + " is leaked: nothing maps it");
                        }
                        if (mappedBy.getOrDefault(p, 0) == -1 && !folios.maybeMappedShared(p)) {
                            problem("THP " + p + " is mapped by several processes but its mm slots say exclusive");
                        }
                        boolean partial = pmds[b] == 0 && mapped > 0 && mapped < HPAGE_PMD_NR;
                        if (partial && !folios.deferred(p)) {
                            problem("THP " + p + " is partially mapped but not on the deferred split queue");
                        }
                        if (partial && !folios.partiallyMapped(p)) {
                            problem("THP " + p + " is partially mapped but not flagged so (PG_partially_mapped)");
                        }
                        p += HPAGE_PMD_NR - 1;
                    } else if (f.order[p] != 0) {
                        anon += (1 << f.order[p]) - 1;
                        for (int k = 0; k < 1 << f.order[p]; k++) {
                            anonMapped += pteMaps[p + k] > 0 ? 1 : 0;
                        }
                        MthpCheck.check(f, folios, p, pteMaps, mappedBy, this::problem);
                        p += (1 << f.order[p]) - 1;
                    } else {
                        anonMapped += pteMaps[p] > 0 ? 1 : 0;
                        if (f.map[p] != pteMaps[p]) {
                            problem("frame " + p + ": mapcount " + f.map[p] + " but " + pteMaps[p] + " PTEs map it");
                        }
                        if (f.ref[p] != pteMaps[p]) {
                            problem("frame " + p + ": refcount " + f.ref[p] + " but " + pteMaps[p] + " mappings");
                        }
                        if (pteMaps[p] == 0) {
                            problem("frame " + p + " is leaked: an anonymous page nothing maps");
                        }
                    }
                }
                case Frames.ANON_TAIL -> problem("frame " + p + " is a tail without a head");
                case Frames.ISOLATED -> {
                    if (p >= HPAGE_PMD_NR && owners[p] != 2) {
                        problem("frame " + p + " is isolated (taken from the free lists) but owned by nobody");
                    }
                }
                case Frames.HZERO -> {
                    if (p != zero.hugeZeroPfn) {
                        problem("frame " + p + " is a stale huge zero page");
                    }
                    p += HPAGE_PMD_NR - 1;
                }
                default -> { }
            }
        }
        if (anon != folios.nrAnon) {
            problem(folios.nrAnon + " anonymous frames counted but " + anon + " exist");
        }
        if (anonMapped != folios.nrAnonMapped) {
            problem("nr_anon_pages is " + folios.nrAnonMapped + " but " + anonMapped + " anonymous pages are mapped");
        }
        if (thps != folios.nrAnonThps) {
            problem("nr_anon_transparent_hugepages is " + folios.nrAnonThps + " but " + thps + " THPs are PMD-mapped");
        }
        if (large != folios.nrAnonLarge || partials != folios.nrAnonPartiallyMapped) {
            problem("hugepages-2048kB/stats: nr_anon " + folios.nrAnonLarge + ", nr_anon_partially_mapped "
                    + folios.nrAnonPartiallyMapped + ", but " + large + " THPs exist, " + partials + " of them partially mapped");
        }
        SwapDevice.check(k.swap(), swapRefs, this::problem);
        // Pages isolated for migration-entry promotions are exactly the pending ones' sources.
        migrations.checkIsolation(this::problem);
        if (reported > MAX_REPORTS) {
            problems.add("... and " + (reported - MAX_REPORTS) + " more");
        }
        return problems;
    }

    /** A PTE, PMD or PUD table's page: a page-table frame nothing else holds. @return 1 if it is one */
    private int claimTable(byte[] owners, int frame, AddressSpace mm, String what, long va) {
        if (frame < 0 || frame >= owners.length || f.type[frame] != Frames.PGTABLE || owners[frame] != 0) {
            problem(mm.name + ": the " + what + " at 0x" + Long.toHexString(va) + " has no page table frame of its own (" + frame + ")");
            return 0;
        }
        owners[frame] = 3;
        return 1;
    }

    /** Notes that address space {@code mm} maps a page of the large folio headed at {@code h}. */
    private static void mappedBy(java.util.Map<Integer, Integer> by, int h, int mm) {
        by.merge(h, mm, (a, b) -> a.equals(b) ? a : -1);
    }

    private void checkRmap(AddressSpace mm, int p, long va) {
        if (f.owner(p) != mm.family.id) {
            problem(mm.name + ": frame " + p + " at 0x" + Long.toHexString(va) + " belongs to rmap family " + f.owner(p)
                    + ", not " + mm.family.id);
        }
        if (((long) f.index(p) << 12) != va) {
            problem(mm.name + ": frame " + p + " is mapped at 0x" + Long.toHexString(va) + " but its index says 0x"
                    + Long.toHexString((long) f.index(p) << 12));
        }
    }
}
