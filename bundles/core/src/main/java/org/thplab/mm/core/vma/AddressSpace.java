package org.thplab.mm.core.vma;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;

/**
 * An mm_struct: the VMAs (sorted, non-overlapping), the regions by name, the page tables and the
 * RSS counters of one process.
 */
public final class AddressSpace {
    /** Where mmap places the first region, and the gap left between regions (so they never merge). */
    public static final long MMAP_BASE = 1L << 32;
    public static final long GAP = 1L << 21;

    public final String name;
    public final int id;
    public final Family family;
    public final List<Vma> vmas = new ArrayList<>();
    public final Map<String, Region> regions = new LinkedHashMap<>();
    public final PageTable pt = new PageTable();
    /** THP reservations of this mm by PMD-aligned address (see core.reserve.Reservations). */
    public final ReservationTable reservations = new ReservationTable();
    public long nextMmap = MMAP_BASE;
    /** MM_ANONPAGES: base pages mapped by present PTEs plus 512 per huge PMD. */
    public long rssAnon;
    /** MM_SWAPENTS. */
    public long swapEntries;
    /**
     * mm->hiwater_rss and mm->hiwater_vm: what RSS and total_vm were before they last fell
     * ({@link #updateHiwaterRss}, update_hiwater_vm() before munmap), so that VmHWM and VmPeak
     * are their highest values.
     */
    public long hiwaterRss;
    public long hiwaterVm;
    /** signal->oom_score_adj: -1000 (never chosen by the OOM killer) to 1000; fork copies it. */
    public int oomScoreAdj;
    /** Page table frames charged to this mm (including deposited ones). */
    public long pgtables;
    /** MMF_VM_HUGEPAGE: registered with khugepaged (on its mm_slot list). */
    public boolean khugepaged;
    /** The process exited; the mm may linger on khugepaged's list until collected. */
    public boolean dead;
    /** Simulated time at which the mmap lock was taken for write, or -1 when not held. */
    public long mmapWriteSince = -1;
    /** Who holds it for write (MmapLock's holder), or null. */
    public String mmapWriter;
    /** Its threads by name (clone()), in clone order; the task running the current operation (null: the process's own). */
    public final Map<String, Task> threads = new LinkedHashMap<>();
    public Task current;
    /** The mmap lock's write holds while it has threads, oldest first: {start, end, the holding thread's index or 0}. */
    public final java.util.ArrayDeque<long[]> writeHolds = new java.util.ArrayDeque<>();
    /** What perf stat counts for this process: when it was made (spawn or fork), simulated ns it ran, its accesses and faults. */
    public long startNs;
    public long taskClockNs;
    public long accesses;
    public long pageFaults;
    /** Its accesses' MMU events, by core.mmu.MmuEvent ordinal (null before its first access). */
    public long[] mmuEvents;
    /** The translation cycles its accesses would have cost with every page a THP, and with every page a base page. */
    public long cyclesIfAllThp;
    public long cyclesIfAll4k;
    /** anon_vmas handed out so far: their ids are 1, 2, ... (0 in a VMA: none yet). */
    private int anonVmas;

    public AddressSpace(String name, int id, Family family) {
        this.name = name;
        this.id = id;
        this.family = family;
    }

    /** update_hiwater_rss(): before the anonymous RSS falls (zap, reclaim, migration, a split's zero pages). */
    public void updateHiwaterRss() {
        if (rssAnon > hiwaterRss) {
            hiwaterRss = rssAnon;
        }
    }

    /** update_hiwater_vm(): before total_vm falls (munmap). */
    public void updateHiwaterVm() {
        hiwaterVm = Math.max(hiwaterVm, totalVm());
    }

    /** @return total_vm in pages: every VMA's, all of them VM_ACCOUNT (private writable anonymous) */
    public long totalVm() {
        long pages = 0;
        for (Vma v : vmas) {
            pages += (v.end - v.start) >> 12;
        }
        return pages;
    }

    /** @return the VMA containing {@code va}, or null (find_vma + range check) */
    public Vma find(long va) {
        int lo = 0;
        int hi = vmas.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Vma v = vmas.get(mid);
            if (va < v.start) {
                hi = mid - 1;
            } else if (va >= v.end) {
                lo = mid + 1;
            } else {
                return v;
            }
        }
        return null;
    }

    /** @return the VMAs overlapping [from, to), in address order */
    public List<Vma> overlapping(long from, long to) {
        List<Vma> out = new ArrayList<>();
        for (Vma v : vmas) {
            if (v.end > from && v.start < to) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * Splits VMAs so that {@code addr} is a boundary (__split_vma); no-op when it already is or
     * no VMA contains it.
     */
    public void splitAt(long addr) {
        for (int i = 0; i < vmas.size(); i++) {
            Vma v = vmas.get(i);
            if (v.start < addr && addr < v.end) {
                Vma tail = new Vma(addr, v.end, v.flags, v.region);
                tail.anonVma = v.anonVma;
                tail.anonVmaId = v.anonVmaId; // __split_vma(): both parts keep the anon_vma
                v.end = addr;
                vmas.add(i + 1, tail);
                return;
            }
        }
    }

    /** Merges adjacent VMAs of the same region with the same flags (vma_merge after madvise). */
    public void mergeAdjacent() {
        for (int i = 0; i + 1 < vmas.size(); ) {
            Vma a = vmas.get(i);
            Vma b = vmas.get(i + 1);
            // is_mergeable_anon_vma(): same anon_vma, or one side has none yet.
            if (a.end == b.start && a.flags == b.flags && a.region == b.region
                    && (a.anonVmaId == b.anonVmaId || a.anonVmaId == 0 || b.anonVmaId == 0)) {
                a.end = b.end;
                a.anonVma |= b.anonVma;
                a.anonVmaId = a.anonVmaId != 0 ? a.anonVmaId : b.anonVmaId;
                vmas.remove(i + 1);
            } else {
                i++;
            }
        }
    }

    /**
     * anon_vma_prepare() (mm/rmap.c): a VMA's first anonymous fault gives it an anon_vma, the
     * neighbour's when an adjacent VMA of the same flags has one (find_mergeable_anon_vma(),
     * anon_vma_compatible()), else a new one. VMAs with different anon_vmas never merge, so a
     * region whose parts were faulted while their flags differed stays split after the flags
     * become equal again.
     */
    public void anonVmaPrepare(Vma v) {
        if (v.anonVma) {
            return;
        }
        int i = vmas.indexOf(v);
        Vma prev = i > 0 ? vmas.get(i - 1) : null;
        Vma next = i >= 0 && i + 1 < vmas.size() ? vmas.get(i + 1) : null;
        if (prev != null && prev.end == v.start && prev.anonVmaId != 0 && prev.flags == v.flags) {
            v.anonVmaId = prev.anonVmaId;
        } else if (next != null && next.start == v.end && next.anonVmaId != 0 && next.flags == v.flags) {
            v.anonVmaId = next.anonVmaId;
        } else {
            v.anonVmaId = ++anonVmas;
        }
        v.anonVma = true;
    }

    /** A new anon_vma of this mm (anon_vma_fork() gives each VMA of a child its own). */
    public int newAnonVma() {
        return ++anonVmas;
    }

    /** Removes [from, to) from the VMAs, splitting at the edges. */
    public void removeRange(long from, long to) {
        splitAt(from);
        splitAt(to);
        vmas.removeIf(v -> v.start >= from && v.end <= to);
    }

    /** @return true when some VMA overlaps [from, to) */
    public boolean mapped(long from, long to) {
        for (Vma v : vmas) {
            if (v.end > from && v.start < to) {
                return true;
            }
        }
        return false;
    }

    /** @return the frame mapped at {@code va} by a PTE or a huge PMD, or -1 */
    public int mappedFrame(long va) {
        PmdTable t = pt.lookup(va);
        int i = PageTable.pmdIndex(va);
        if (t != null && t.pte[i] != null && Pte.kind(t.pte[i].get(PageTable.pteIndex(va))) == Pte.PRESENT) {
            return Pte.pfn(t.pte[i].get(PageTable.pteIndex(va)));
        } else if (t != null && t.pte[i] == null && Pte.kind(t.pmd[i]) == Pte.HUGE) {
            return Pte.pfn(t.pmd[i]) + PageTable.pteIndex(va);
        }
        return -1;
    }
}
