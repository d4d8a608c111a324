package org.thplab.mm.core.report;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.folio.Mthps;
import org.thplab.mm.core.folio.PageTables;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.frames.Watermarks;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.mmu.Mmu;
import org.thplab.mm.core.mmu.MmuEvent;
import org.thplab.mm.core.stat.CopyCosts;
import org.thplab.mm.core.vma.MmapLock;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmSlots;
import org.thplab.mm.core.vma.Region;
import org.thplab.mm.core.vma.Vma;

/**
 * The /proc renderings of one machine: /proc/PID/smaps (smaps_pte_range, smaps_pmd_entry),
 * /proc/vmstat, /proc/meminfo, /proc/buddyinfo by migratetype (/proc/pagetypeinfo), and the
 * content oracle's read of a page (what {@code verify} compares with what the process wrote).
 * They read state and change none.
 */
public final class Reports {
    private final Kernel k;
    private final Frames f;
    private final Buddy buddy;
    private final SwapDevice swap;
    private final Folios folios;
    private final PageTables tables;
    private final Reservations reservations;
    private final MmSlots slots;

    public Reports(Kernel k, Folios folios, PageTables tables, Reservations reservations, MmSlots slots) {
        this.k = k;
        this.f = k.f();
        this.buddy = k.buddy();
        this.swap = k.swap();
        this.folios = folios;
        this.tables = tables;
        this.reservations = reservations;
        this.slots = slots;
        k.tunables().stats(this::mthpStat);
    }

    /** @return the smaps entries of the VMAs of {@code mm}, or of region {@code name} only when it is not null */
    public List<SmapsEntry> smaps(AddressSpace mm, String name) {
        List<SmapsEntry> out = new ArrayList<>();
        for (Vma v : mm.vmas) {
            if (name != null && !v.region.name.equals(name)) {
                continue;
            }
            SmapsWalk w = new SmapsWalk(f, swap);
            w.walk(mm, v.start, v.end);
            out.add(entry(v.start, v.end, v.region.name, v.end - v.start, w, thpEligible(v), v.vmFlags()));
        }
        return out;
    }

    /**
     * /proc/PID/smaps_rollup (show_smaps_rollup()): every VMA's pages added up in one walk and
     * rounded once, from the first VMA's start to the last one's end (0 to 0 without any);
     * region {@code rollup}, Size the VMAs' sizes together, no THPeligible and no VmFlags.
     */
    public SmapsEntry smapsRollup(AddressSpace mm) {
        SmapsWalk w = new SmapsWalk(f, swap);
        long size = 0;
        for (Vma v : mm.vmas) {
            w.walk(mm, v.start, v.end);
            size += v.end - v.start;
        }
        boolean none = mm.vmas.isEmpty();
        return entry(none ? 0 : mm.vmas.get(0).start, none ? 0 : mm.vmas.get(mm.vmas.size() - 1).end, "rollup", size,
                w, false, "");
    }

    private static SmapsEntry entry(long start, long end, String region, long size, SmapsWalk w, boolean eligible,
            String flags) {
        return new SmapsEntry(start, end, region, size / 1024, SmapsWalk.kb(w.resident), SmapsWalk.pssKb(w.pss),
                SmapsWalk.pssKb(w.pssDirty), SmapsWalk.kb(w.sharedClean), SmapsWalk.kb(w.sharedDirty),
                SmapsWalk.kb(w.privateClean), SmapsWalk.kb(w.privateDirty), SmapsWalk.kb(w.referenced),
                SmapsWalk.kb(w.anonymous), SmapsWalk.kb(w.anonymousThp), SmapsWalk.kb(w.swapped),
                SmapsWalk.pssKb(w.swapPss), eligible, flags);
    }

    /**
     * Mel Gorman's four measures from the reservation RFC's review, for the processes given (one,
     * or every live one): (1) what collapse and CoW copied, machine-wide; (2) the mmap lock's write
     * holds, machine-wide; (3) RAM lost to huge pages: resident bytes of PMD-mapped THPs never
     * written (the zero content a fault or a collapse left: read pages count too, as they read
     * zeroes any page would give), and reserved pages no fault has mapped; (4) the translation
     * cycles of the processes' accesses against the same accesses on an all-THP and an all-4K
     * mapping, and the slowdown against all-THP in simulated ns.
     */
    public Map<String, Long> report(List<AddressSpace> mms, MmapLock lock) {
        Map<String, Long> m = new LinkedHashMap<>();
        CopyCosts c = k.stat().copies;
        m.put("khugepaged_collapses", c.khugepagedCollapses);
        m.put("khugepaged_copied_bytes", c.khugepagedBytes);
        m.put("khugepaged_copy_ns", c.khugepagedNs);
        m.put("madv_collapse_collapses", c.madvCollapses);
        m.put("madv_collapse_copied_bytes", c.madvBytes);
        m.put("madv_collapse_copy_ns", c.madvNs);
        m.put("cow_copies_4k", c.cow4k);
        m.put("cow_copies_2m", c.cow2m);
        m.put("cow_copied_bytes", c.cowBytes);
        m.put("cow_copy_ns", c.cowNs);
        m.put("mmap_lock_write_ns", lock.writeNs);
        m.put("mmap_lock_write_max_ns", lock.writeMaxNs);
        m.put("mmap_lock_write_acquisitions", lock.writeAcquisitions);
        lock.byHolder.forEach((holder, h) -> {
            m.put("mmap_lock_write_ns_by_" + holder, h[0]);
            m.put("mmap_lock_write_max_ns_by_" + holder, h[1]);
            m.put("mmap_lock_write_acquisitions_by_" + holder, h[2]);
        });
        lock.readWaits(mms, m);
        long bloat = 0;
        long reservedUnused = 0;
        long cycles = 0;
        long allThp = 0;
        long all4k = 0;
        for (AddressSpace mm : mms) {
            for (Vma v : mm.vmas) {
                bloat += neverWrittenInThps(mm, v.start, v.end);
            }
            for (var r : mm.reservations.values()) {
                reservedUnused += r.unused();
            }
            cycles += mm.mmuEvents == null ? 0 : mm.mmuEvents[MmuEvent.CYCLES.ordinal()];
            allThp += mm.cyclesIfAllThp;
            all4k += mm.cyclesIfAll4k;
        }
        m.put("thp_never_written_bytes", bloat * PAGE_SIZE);
        m.put("reserved_unused_bytes", reservedUnused * PAGE_SIZE);
        m.put("translation_cycles", cycles);
        m.put("translation_cycles_if_all_thp", allThp);
        m.put("translation_cycles_if_all_4k", all4k);
        Mmu mmu = k.mmus().cpu(0);
        m.put("thp_slowdown_ns", mmu.nanos(cycles) - mmu.nanos(allThp));
        return m;
    }

    /** @return smaps' AnonHugePages of mm in kB: its PMD-mapped THPs (smaps_pmd_entry()), without walking PTEs */
    public long anonHugePagesKb(AddressSpace mm) {
        long n = 0;
        for (Vma v : mm.vmas) {
            for (long va = v.start & ~(PMD_SIZE - 1); va < v.end; va += PMD_SIZE) {
                PmdTable t = mm.pt.lookup(va);
                int i = PageTable.pmdIndex(va);
                if (t != null && t.pte[i] == null && Pte.kind(t.pmd[i]) == Pte.HUGE) {
                    n++;
                }
            }
        }
        return n * (PMD_SIZE / 1024);
    }

    /** @return pages of PMD-mapped THPs in [from, to) whose content is still the zero a fault or collapse left */
    private long neverWrittenInThps(AddressSpace mm, long from, long to) {
        long n = 0;
        for (long va = from & ~(PMD_SIZE - 1); va < to; va += PMD_SIZE) {
            PmdTable t = mm.pt.lookup(va);
            if (t == null) {
                continue;
            }
            int i = PageTable.pmdIndex(va);
            if (t.pte[i] == null && Pte.kind(t.pmd[i]) == Pte.HUGE) {
                int h = Pte.pfn(t.pmd[i]);
                for (int j = 0; j < 512; j++) {
                    n += k.f().content[h + j] == 0 ? 1 : 0;
                }
            }
        }
        return n;
    }

    /**
     * THPeligible: thp_vma_allowable_orders(THP_ORDERS_ALL) with TVA_SMAPS, so any size counts
     * (Linux 6.8): the PMD size as khugepaged sees it, or an mTHP size its
     * {@code hugepages-<size>kB/enabled} allows whose aligned block fits at the VMA's end
     * (thp_vma_suitable_order()). Checked on 6.18: enabled=never with hugepages-64kB always reads 1.
     */
    private boolean thpEligible(Vma v) {
        if (slots.allowed(v, true, true)) {
            return true;
        }
        if (v.nohugepage()) {
            return false;
        }
        int orders = k.tunables().allowableOrders(v.hugepage()); // the mask the fault path reads
        for (int order = 2; order < org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER; order++) {
            long size = 4096L << order;
            long addr = (v.end - size) & -size;
            if ((orders & 1 << order) != 0 && addr >= v.start && addr + size <= v.end) {
                return true;
            }
        }
        return false;
    }

    /**
     * hugepages-<size>kB/stats/NAME (count_mthp_stat(), mod_mthp_stat()): for the PMD size the
     * same events as the thp_* counters, nr_anon the PMD-sized anonymous folios however mapped,
     * nr_anon_partially_mapped those flagged PG_partially_mapped; for the smaller sizes the
     * mTHPs' own counters ({@link Mthps}); 0 for what cannot happen here (memcg, zswap, shmem,
     * THP swap-in, a failed split, a whole mTHP swapped out).
     */
    long mthpStat(int order, String name) {
        if (order != org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER) {
            Mthps m = folios.mthps;
            return switch (name) {
                case "anon_fault_alloc" -> m.stat(order, Mthps.ANON_FAULT_ALLOC);
                case "anon_fault_fallback" -> m.stat(order, Mthps.ANON_FAULT_FALLBACK);
                case "swpout_fallback" -> m.stat(order, Mthps.SWPOUT_FALLBACK);
                case "split" -> m.stat(order, Mthps.SPLIT);
                case "split_deferred" -> m.stat(order, Mthps.SPLIT_DEFERRED);
                case "nr_anon" -> m.stat(order, Mthps.NR_ANON);
                case "nr_anon_partially_mapped" -> m.stat(order, Mthps.NR_ANON_PARTIALLY_MAPPED);
                default -> 0;
            };
        }
        var st = k.stat();
        return switch (name) {
            case "anon_fault_alloc" -> st.get(VmEvent.THP_FAULT_ALLOC);
            case "anon_fault_fallback" -> st.get(VmEvent.THP_FAULT_FALLBACK);
            case "swpout" -> st.get(VmEvent.THP_SWPOUT);
            case "swpout_fallback" -> st.get(VmEvent.THP_SWPOUT_FALLBACK);
            case "split" -> st.get(VmEvent.THP_SPLIT_PAGE);
            case "split_failed" -> st.get(VmEvent.THP_SPLIT_PAGE_FAILED);
            case "split_deferred" -> st.get(VmEvent.THP_DEFERRED_SPLIT_PAGE);
            case "nr_anon" -> folios.nrAnonLarge;
            case "nr_anon_partially_mapped" -> folios.nrAnonPartiallyMapped;
            default -> 0;
        };
    }

    /** @return /proc/vmstat: gauges, then the event counters in the kernel's order */
    public Map<String, Long> vmstat() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("nr_free_pages", buddy.freePages());
        m.put("nr_anon_pages", folios.nrAnonMapped);
        m.put("nr_anon_transparent_hugepages", folios.nrAnonThps);
        m.put("nr_page_table_pages", tables.pgtables);
        m.put("nr_swap_used", swap == null ? 0 : swap.used());
        m.put("nr_thp_deferred_split", folios.deferredLength());
        m.put("nr_thp_reserved", reservations.reserved);
        for (VmEvent e : VmEvent.values()) {
            m.put(e.counterName(), k.stat().get(e));
        }
        return m;
    }

    /**
     * The memory lines of /proc/PID/status, task_mem() and what follows it in proc_pid_status():
     * values in kB, but CoreDumping and THP_enabled (task_thp_status(): 1, thplab has no
     * PR_SET_THP_DISABLE). Every region is private writable anonymous memory: VmData is VmSize,
     * RssAnon is VmRSS, and the stack, text, library, file, shmem, locked, pinned and hugetlb
     * lines are 0. VmPTE is mm_pgtables_bytes(): its PTE, PMD and PUD tables, deposited ones included.
     */
    public Map<String, Long> status(AddressSpace mm) {
        Map<String, Long> m = new LinkedHashMap<>();
        long vm = mm.totalVm();
        m.put("VmPeak", Math.max(vm, mm.hiwaterVm) * 4);
        m.put("VmSize", vm * 4);
        m.put("VmLck", 0L);
        m.put("VmPin", 0L);
        m.put("VmHWM", Math.max(mm.rssAnon, mm.hiwaterRss) * 4);
        m.put("VmRSS", mm.rssAnon * 4);
        m.put("RssAnon", mm.rssAnon * 4);
        m.put("RssFile", 0L);
        m.put("RssShmem", 0L);
        m.put("VmData", vm * 4);
        m.put("VmStk", 0L);
        m.put("VmExe", 0L);
        m.put("VmLib", 0L);
        m.put("VmPTE", mm.pgtables * 4);
        m.put("VmSwap", mm.swapEntries * 4);
        m.put("HugetlbPages", 0L);
        m.put("CoreDumping", 0L);
        m.put("THP_enabled", 1L);
        return m;
    }

    /** @return /proc/meminfo lines in kB, in the kernel's order */
    public Map<String, Long> meminfo() {
        Map<String, Long> m = new LinkedHashMap<>();
        long total = (long) (f.nr - HPAGE_PMD_NR) * 4;
        m.put("MemTotal", total);
        m.put("MemFree", buddy.freePages() * 4);
        // si_mem_available(): free less totalreserve_pages (the high watermark: one zone, no
        // lowmem_reserve); nr_thp_reserved counts toward it, as the reservation RFC documents.
        m.put("MemAvailable", Math.max(0, buddy.freePages() + reservations.reserved - k.overcommit().totalreservePages()) * 4);
        // The rest in meminfo_proc_show()'s order, the lines thplab has no part of left out.
        m.put("SwapTotal", swap == null ? 0 : (long) swap.nslots * 4);
        m.put("SwapFree", swap == null ? 0 : swap.free() * 4);
        m.put("AnonPages", folios.nrAnonMapped * 4);
        m.put("PageTables", tables.pgtables * 4);
        // vm_commit_limit() and vm_memory_committed(), between WritebackTmp and VmallocTotal.
        m.put("CommitLimit", k.overcommit().vmCommitLimit() * 4);
        m.put("Committed_AS", k.overcommit().committed() * 4);
        // CONFIG_MEMORY_FAILURE's line, after Percpu; then the THP lines.
        m.put("HardwareCorrupted", f.hwpoison.count() * 4);
        m.put("AnonHugePages", folios.nrAnonThps * 2048);
        return m;
    }

    /**
     * /proc/zoneinfo's lines for the one zone: free pages, the watermarks (boost is always 0:
     * no watermark boosting), spanned, present and managed pages (the first pageblock is the
     * kernel's, spanned and present but not managed), cma and nr_free_pages.
     */
    public Map<String, Long> zoneinfo() {
        Map<String, Long> m = new LinkedHashMap<>();
        Watermarks w = buddy.watermarks;
        m.put("pages free", buddy.freePages());
        m.put("boost", 0L);
        m.put("min", w.min());
        m.put("low", w.low());
        m.put("high", w.high());
        m.put("promo", w.promo());
        m.put("spanned", (long) f.nr);
        m.put("present", (long) f.nr);
        m.put("managed", w.managed());
        m.put("cma", 0L);
        m.put("nr_free_pages", buddy.freePages());
        return m;
    }

    /** @return free blocks per order for each migratetype */
    public Map<String, long[]> buddyinfo() {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (int mt = 0; mt < Buddy.NR_MIGRATETYPES; mt++) {
            long[] c = new long[Frames.MAX_ORDER + 1];
            for (int o = 0; o <= Frames.MAX_ORDER; o++) {
                c[o] = buddy.nrFree(o, mt);
            }
            m.put(Buddy.MIGRATETYPE_NAMES[mt], c);
        }
        return m;
    }

    /** @return pages of the region whose content differs from what the process wrote */
    public long verify(AddressSpace mm, Region r) {
        long bad = 0;
        for (long va = r.start; va < r.end(); va += PAGE_SIZE) {
            if (contentAt(mm, va) != r.expected(va)) {
                bad++;
            }
        }
        return bad;
    }

    /** @return what a read of {@code va} would return, without faulting */
    private int contentAt(AddressSpace mm, long va) {
        PmdTable t = mm.pt.lookup(va);
        if (t == null) {
            return 0;
        }
        int i = PageTable.pmdIndex(va);
        PteTable ptes = t.pte[i];
        if (ptes == null) {
            long pmd = t.pmd[i];
            return Pte.kind(pmd) == Pte.HUGE ? f.content[Pte.pfn(pmd) + PageTable.pteIndex(va)] : 0;
        }
        long e = ptes.get(PageTable.pteIndex(va));
        return switch (Pte.kind(e)) {
            case Pte.PRESENT, Pte.MIGRATION -> f.content[Pte.pfn(e)];
            case Pte.SWAP -> swap.content[Pte.pfn(e)];
            default -> 0;
        };
    }
}
