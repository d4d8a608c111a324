package org.thplab.mm.core.oom;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.OomReport;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.report.Reports;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.alloc.AllocPurpose;

/**
 * The OOM killer of mm/oom_kill.c on a machine without memcgs, cpusets or mempolicies
 * (CONSTRAINT_NONE): {@code out_of_memory()} to {@code select_bad_process()} to
 * {@code oom_kill_process()}.
 *
 * <p>It runs where an order-0 allocation of a fault or of fork's page tables has failed after
 * reclaim and compaction, as {@code __alloc_pages_may_oom()} does; costly orders (a THP, a
 * reservation) never get here, they fall back. The victim is the process with the highest
 * {@code oom_badness()}: RSS + swap entries + page-table pages, moved by {@code oom_score_adj}
 * (-1000 exempts the process). On equal points the later process on the task list wins, as
 * {@code oom_evaluate_task()} replaces the chosen task on a tie. The victim is killed and its
 * memory reaped at once (the kernel's SIGKILL and {@code oom_reaper} take a moment; no simulated
 * time is charged), then the caller retries its allocation. The report goes to the kernel log
 * ({@code dmesg}) in the kernel's words.
 */
public final class OomKiller {
    public static final int OOM_SCORE_ADJ_MIN = -1000;
    public static final int OOM_SCORE_ADJ_MAX = 1000;
    private static final int REPORTS = 16;

    private final Kernel k;
    private final Reports reports;
    private final Reservations reservations;
    private final KernelLog log;
    private final Reaper reaper;
    /** The last {@value #REPORTS} reports by kill number (vmstat oom_kill). */
    private final java.util.TreeMap<Long, OomReport> kills = new java.util.TreeMap<>();
    /** The Mem-Info of the report being written, before its kill is counted. */
    private Map<String, Long> pendingMeminfo;

    public OomKiller(Kernel k, Reports reports, Reservations reservations, KernelLog log, Reaper reaper) {
        this.k = k;
        this.reports = reports;
        this.reservations = reservations;
        this.log = log;
        this.reaper = reaper;
    }

    /** totalram_pages() + total_swap_pages: what oom_score_adj is a share (in thousandths) of. */
    private long totalPages() {
        return (k.f().nr - Frames.HPAGE_PMD_NR) + (k.swap() == null ? 0 : k.swap().nslots);
    }

    /** oom_badness(): RSS + swap entries + page-table pages, moved by oom_score_adj; MIN_VALUE: never. */
    public long badness(AddressSpace mm) {
        if (mm.oomScoreAdj == OOM_SCORE_ADJ_MIN) {
            return Long.MIN_VALUE;
        }
        long points = mm.rssAnon + mm.swapEntries + mm.pgtables;
        return points + (long) mm.oomScoreAdj * (totalPages() / 1000);
    }

    /** proc_oom_score(): the badness scaled into [0, 2000], 0 for an exempt process. */
    public long score(AddressSpace mm) {
        long b = badness(mm);
        return b == Long.MIN_VALUE ? 0 : (1000 + b * 1000 / totalPages()) * 2 / 3;
    }

    /**
     * out_of_memory(): reports, chooses and kills a victim.
     *
     * @param current the process whose allocation failed
     * @param purpose what the failed order-0 allocation was for (the gfp mask the report prints)
     * @return the process killed, or null when there is none to kill (the kernel would panic:
     *         "Out of memory and no killable processes...")
     */
    public AddressSpace outOfMemory(AddressSpace current, AllocPurpose purpose) {
        AddressSpace chosen = null;
        long chosenPoints = Long.MIN_VALUE;
        for (AddressSpace p : k.tasks().procs.values()) { // for_each_process(): creation order
            long points = badness(p);
            if (points == Long.MIN_VALUE) {
                continue; // oom_score_adj -1000
            }
            if (points >= chosenPoints) {
                chosen = p;
                chosenPoints = points;
            }
        }
        if (chosen == null) {
            log.printk("Out of memory and no killable processes...");
            return null;
        }
        dumpHeader(current, purpose);
        log.printk(String.format(Locale.ROOT, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task=%s,pid=%d,uid=0",
                chosen.name, chosen.id));
        log.printk(String.format(Locale.ROOT,
                "Out of memory: Killed process %d (%s) total-vm:%dkB, anon-rss:%dkB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:%dkB oom_score_adj:%d",
                chosen.id, chosen.name, totalVm(chosen) * 4, chosen.rssAnon * 4, chosen.pgtables * 4, chosen.oomScoreAdj));
        k.stat().count(VmEvent.OOM_KILL);
        long kill = k.stat().get(VmEvent.OOM_KILL);
        kills.put(kill, new OomReport(kill, chosen.name, pendingMeminfo));
        if (kills.size() > REPORTS) {
            kills.pollFirstEntry();
        }
        if (k.trace().on()) {
            k.trace().emit("mark_victim", "pid=" + chosen.id);
        }
        reaper.kill(chosen);
        log.printk(String.format(Locale.ROOT, "oom_reaper: reaped process %d (%s), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
                chosen.id, chosen.name));
        return chosen;
    }

    /** dump_header(): who invoked the killer, show_mem() (abridged) and dump_tasks(). */
    private void dumpHeader(AddressSpace current, AllocPurpose purpose) {
        // A page table is GFP_PGTABLE_USER; a user page a folio of GFP_HIGHUSER_MOVABLE.
        String gfp = purpose == AllocPurpose.KERNEL ? "0x400dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO)"
                : "0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)";
        log.printk(current.name + " invoked oom-killer: gfp_mask=" + gfp + ", order=0, oom_score_adj=" + current.oomScoreAdj);
        Map<String, Long> lastMeminfo = reports.meminfo();
        lastMeminfo.put("nr_thp_reserved", reservations.reserved);
        pendingMeminfo = lastMeminfo;
        log.printk("Mem-Info:");
        log.printk(String.format(Locale.ROOT, "anon:%d anon_thp:%d pagetables:%d free:%d thp_reserved:%d",
                lastMeminfo.get("AnonPages") / 4, lastMeminfo.get("AnonHugePages") / 4, lastMeminfo.get("PageTables") / 4,
                lastMeminfo.get("MemFree") / 4, reservations.reserved));
        log.printk(String.format(Locale.ROOT, "Free swap  = %dkB", lastMeminfo.get("SwapFree")));
        log.printk(String.format(Locale.ROOT, "Total swap = %dkB", lastMeminfo.get("SwapTotal")));
        log.printk(k.f().nr + " pages RAM");
        log.printk("Tasks state (memory values in pages):");
        // dump_task() since 6.8: pid, uid, tgid, total_vm, rss and its anon, file and shmem parts,
        // pgtables_bytes, swapents, oom_score_adj, comm (all of thplab's RSS is anonymous).
        log.printk("[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name");
        List<AddressSpace> tasks = new ArrayList<>(k.tasks().procs.values());
        for (AddressSpace p : tasks) {
            log.printk(String.format(Locale.ROOT, "[%7d] %5d %5d %8d %8d %8d %8d %9d %8d %8d         %5d %s", p.id, 0, p.id,
                    totalVm(p), p.rssAnon, p.rssAnon, 0, 0, p.pgtables * 4096, p.swapEntries, p.oomScoreAdj, p.name));
        }
    }

    /** mm->total_vm: the pages of every VMA. */
    private static long totalVm(AddressSpace mm) {
        long pages = 0;
        for (Vma v : mm.vmas) {
            pages += (v.end - v.start) >>> 12;
        }
        return pages;
    }

    /** @return kill number {@code kill}'s report (its victim and meminfo), or null when it is not among the last few */
    public OomReport report(long kill) {
        return kills.get(kill);
    }

    /** /proc/PID/oom_score_adj: sets the process's adjustment when {@code value} is given. @return the value now */
    public int oomScoreAdj(AddressSpace mm, Integer value) {
        if (value != null) {
            if (value < OOM_SCORE_ADJ_MIN || value > OOM_SCORE_ADJ_MAX) {
                throw new MmUsageException("oom_score_adj: the value must be from -1000 to 1000, not " + value);
            }
            mm.oomScoreAdj = value;
        }
        return mm.oomScoreAdj;
    }
}
