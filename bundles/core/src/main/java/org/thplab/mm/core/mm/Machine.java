package org.thplab.mm.core.mm;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.LatencyHistogram;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.OomReport;
import org.thplab.mm.api.PerfStat;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.alloc.Allocator;
import org.thplab.mm.core.check.Checker;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.fault.Accesses;
import org.thplab.mm.core.fault.FaultHandler;
import org.thplab.mm.core.fault.PmdFaults;
import org.thplab.mm.core.fault.PteFaults;
import org.thplab.mm.core.folio.AnonAlloc;
import org.thplab.mm.core.folio.FolioReferenced;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.folio.ForkCopy;
import org.thplab.mm.core.folio.HugeSplit;
import org.thplab.mm.core.folio.PageTables;
import org.thplab.mm.core.folio.Zap;
import org.thplab.mm.core.folio.ZeroPages;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.kernel.Overcommit;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.mmu.MmuPreset;
import org.thplab.mm.core.mmu.Mmus;
import org.thplab.mm.core.oom.KernelLog;
import org.thplab.mm.core.oom.OomKiller;
import org.thplab.mm.core.policy.ActivePolicies;
import org.thplab.mm.core.policy.PolicyFailure;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.core.promote.MadviseCollapse;
import org.thplab.mm.core.promote.Migrations;
import org.thplab.mm.core.promote.PromoterDaemons;
import org.thplab.mm.core.promote.Promotion;
import org.thplab.mm.core.reclaim.Compaction;
import org.thplab.mm.core.reclaim.SwapOut;
import org.thplab.mm.core.reclaim.Vmscan;
import org.thplab.mm.core.report.Reports;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.trace.Tracer;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmSlots;
import org.thplab.mm.core.vma.MmapLock;
import org.thplab.mm.core.vma.Region;
import org.thplab.mm.core.vma.Tasks;

/**
 * One simulated machine, and its composition root: it builds every subsystem with what that
 * subsystem uses (the shared {@link Kernel} state plus a few peers) and offers the operations
 * the runtime calls, each checked ({@link Args}) and then carried out by the part it belongs to.
 * It is the only class that knows all parts; none of them knows the machine. Not thread-safe:
 * the runtime serialises operations, and one operation runs between two events of the clock.
 */
public final class Machine {
    final Kernel k;
    final Frames f;
    final Buddy buddy;
    final Clock clock;
    final VmStat stat;
    final ThpTunables tunables;
    final Tasks tasks;
    final Compaction compaction;
    final Promotion promotion;
    private final Args args;
    private final PolicyGuard guard;
    private final MmSlots slots;
    private final MmapLock mmapLock;
    private final Folios folios;
    private final PageTables tables;
    private final ZeroPages zero;
    private final Reservations reservations;
    private final Migrations migrations;
    private final Vmscan vmscan;
    private final PromoterDaemons daemons;
    private final MadviseCollapse madvCollapse;
    private final Reports reports;
    private final KernelLog log;
    private final MinFreeKbytes minFree;
    private final OomKiller oom;
    private final FaultHandler faults;
    private final Syscalls sys;
    private final Mmus mmus;

    /** Boots a machine: frame 0..511 hold the kernel image and the zero page (unmovable), the rest is free. */
    public Machine(long bytes, long swapBytes, long seed, ThpTunables tunables) {
        long frames = bytes / PAGE_SIZE;
        if (bytes < (16L << 20) || bytes % PMD_SIZE != 0 || frames > (1L << 30)) {
            throw new MmUsageException("boot: memory size must be a multiple of 2M from 16M to 4T, not " + bytes);
        }
        if (swapBytes < 0 || swapBytes % PAGE_SIZE != 0 || swapBytes / PAGE_SIZE > Integer.MAX_VALUE) {
            throw new MmUsageException("boot: swap size must be a multiple of 4K, not " + swapBytes);
        }
        this.tunables = tunables;
        tunables.pagesCollapsed = tunables.fullScans = tunables.resPagesCollapsed = 0; // a new machine's khugepaged collapsed nothing
        f = new Frames((int) frames);
        buddy = new Buddy(f);
        SwapDevice swap = swapBytes >= PAGE_SIZE * SwapDevice.CLUSTER ? new SwapDevice((int) (swapBytes / PAGE_SIZE)) : null;
        // The first pageblock is the kernel's: reserved, with the zero page in it.
        for (int p = 0; p < HPAGE_PMD_NR; p++) {
            f.type[p] = Frames.ISOLATED;
        }
        buddy.setMigratetype(0, Buddy.UNMOVABLE);
        buddy.markBlockUsed(0);
        zero = new ZeroPages(1);
        f.type[zero.zeroPfn] = Frames.ZERO;
        buddy.addFreeRange(HPAGE_PMD_NR, f.nr);
        clock = new Clock();
        stat = new VmStat();
        Tracer trace = new Tracer(clock);
        guard = new PolicyGuard(clock, trace);
        tasks = new Tasks();
        mmus = new Mmus(MmuPreset.of(tunables.mmu), tunables.mmu.cpus());
        // init_admin_reserve(), init_user_reserve(): from the pages free once the kernel has booted.
        tunables.sysctl.bootDefaults(buddy.freePages() * 4);
        k = new Kernel(f, buddy, swap, clock, stat, tunables, trace, guard, tasks, mmus,
                new Overcommit(tunables.sysctl, buddy, swap, f.nr - HPAGE_PMD_NR));
        args = new Args(tasks);
        slots = new MmSlots(tunables);
        mmapLock = new MmapLock(clock);
        // The ground floor and the folios.
        Allocator allocator = new Allocator(k);
        folios = new Folios(f, buddy, stat);
        tables = new PageTables(k, allocator);
        HugeSplit split = new HugeSplit(k, folios, zero);
        Zap zap = new Zap(clock, swap, folios, split, tables, zero, mmus);
        ForkCopy forkCopy = new ForkCopy(swap, folios, tables, zero);
        AnonAlloc anon = new AnonAlloc(k, allocator, folios);
        reservations = new Reservations(k, allocator, folios, mmapLock);
        folios.setFreeHook(reservations);
        k.overcommit().setReservedPages(() -> reservations.reserved); // the RFC's NR_THP_RESERVED
        // Promotion, reclaim and the OOM killer.
        migrations = new Migrations(k, allocator, folios, reservations, mmapLock);
        SwapOut swapOut = new SwapOut(k, folios, split);
        compaction = new Compaction(k, reservations, migrations);
        FolioReferenced referenced = new FolioReferenced(f, tasks);
        vmscan = new Vmscan(k, folios, split, zero, reservations, migrations, swapOut, compaction, referenced);
        allocator.setSlowPath(vmscan);
        promotion = new Promotion(k, slots, mmapLock, allocator, folios, anon, reservations, migrations);
        daemons = new PromoterDaemons(k, promotion);
        slots.setWakeup(daemons::mmEntered);
        madvCollapse = new MadviseCollapse(clock, guard, promotion, mmapLock);
        reports = new Reports(k, folios, tables, reservations, slots);
        log = new KernelLog(clock);
        minFree = new MinFreeKbytes(buddy.watermarks, tunables, log);
        minFree.boot();
        sys = new Syscalls(clock, tasks, slots, allocator, tables, split, zap, forkCopy, reservations, migrations,
                swapOut, madvCollapse, mmus, f, k.overcommit());
        oom = new OomKiller(k, reports, reservations, log, sys);
        // The fault paths, on top.
        PteFaults pte = new PteFaults(k, zero, folios, anon, reservations);
        PmdFaults pmd = new PmdFaults(k, allocator, folios, split, tables, zero, reservations, slots, promotion,
                referenced);
        faults = new FaultHandler(k, allocator, tables, slots, migrations, oom, pte, pmd);
        sys.wire(new Accesses(clock, stat, mmus, faults, mmapLock, seed), oom, log);
    }

    public void spawn(String name) {
        args.newProc("spawn", name);
        sys.spawn(name);
    }

    /** @return OK, or ENOMEM when __vm_enough_memory() refuses the mapping's charge (nothing mapped) */
    public SyscallResult mmap(String proc, String name, long size) {
        AddressSpace mm = args.proc("mmap", proc);
        Args.newRegion("mmap", mm, name, size);
        return sys.mmap(mm, name, size);
    }

    /** munmap of [off, off+len) of the region, or of all of it when {@code len} is negative. */
    public void munmap(String proc, String name, long off, long len) {
        AddressSpace mm = args.proc("munmap", proc);
        Region r = Args.region("munmap", mm, name);
        long[] rg = len < 0 ? new long[] {r.start, r.end()} : Args.range("munmap", r, off, len);
        sys.munmap(mm, r, rg[0], rg[1]);
    }

    public SyscallResult madvise(String proc, String name, long off, long len, Advice advice) {
        AddressSpace mm = args.proc("madvise", proc);
        Region r = Args.region("madvise", mm, name);
        long[] rg = Args.range("madvise", r, off, len);
        return sys.madvise(mm, r, rg[0], rg[1], advice);
    }

    public SyscallResult touch(String proc, String name, long off, long len, boolean write) {
        AddressSpace mm = args.proc("touch", proc);
        Region r = Args.region("touch", mm, name);
        long[] rg = Args.range("touch", r, off, len);
        return sys.touch(mm, r, rg[0], rg[1], write);
    }

    public SyscallResult fork(String parent, String child) {
        AddressSpace p = args.proc("fork", parent);
        args.newProc("fork", child);
        return sys.fork(p, child);
    }

    /** clone(CLONE_VM | CLONE_THREAD): a thread of the process, on a CPU of its own (Mmus.run), until the process exits. */
    public void clone(String proc, String thread) {
        args.newThread("clone", proc, thread, clock.now());
    }

    public void exit(String proc) {
        sys.exit(args.proc("exit", proc));
    }

    /** Advances time by {@code nanos}, running the daemons that come due. */
    public void tick(long nanos) {
        sys.tick(Args.tick(nanos, clock.now()));
        mmapLock.idle();
    }

    /** Gives the frame mapped at the offset a latent uncorrectable memory error (Syscalls.poison). */
    public void poison(String proc, String name, long off) {
        AddressSpace mm = args.proc("poison", proc);
        Region r = Args.region("poison", mm, name);
        sys.poison(mm, Args.range("poison", r, off, PAGE_SIZE)[0], off, name);
    }

    /** /proc/PID/oom_score_adj, set when {@code value} is given. @return the value now */
    public int oomScoreAdj(String proc, Integer value) {
        return oom.oomScoreAdj(args.proc("oom_score_adj", proc), value);
    }

    /** {@code count} accesses of the pattern to the region by the process, on its CPU. */
    public SyscallResult access(String proc, String name, AccessPattern p, long count, boolean write) {
        AddressSpace mm = args.proc("access", proc);
        Region r = Args.region("access", mm, name);
        return sys.access(mm, r, p, Args.accessCount(count), write);
    }

    /** Mel Gorman's four measures (Reports.report), for one process or every live one. */
    public Map<String, Long> report(String proc) {
        return reports.report(proc == null ? new ArrayList<>(tasks.procs.values()) : List.of(args.proc("report", proc)), mmapLock);
    }

    /** The memory lines of /proc/PID/status (task_mem()), in kB; THP_enabled and CoreDumping as numbers. */
    public Map<String, Long> status(String proc) {
        return reports.status(args.proc("status", proc));
    }

    public PerfStat perfStat(String proc) {
        return sys.perfStat(args.proc("perf stat", proc));
    }

    /** The tunables' MMU from now on: every TLB empty, the processes placed again. */
    public void mmuChanged() {
        mmus.reconfigure(MmuPreset.of(tunables.mmu), tunables.mmu.cpus());
    }

    // Between operations: the policies, containment, daemons.

    /** An operation begins on the calling thread, with these policies (the runtime hands the same until they change). */
    public void setPolicies(ActivePolicies p) {
        if (guard.begin(p)) {
            daemons.update(p.promoters());
        }
    }

    /** A sysfs knob was written: daemons re-read their sleep times now (writing scan_sleep_millisecs wakes khugepaged). */
    public void tunablesChanged(String knob) {
        daemons.tunablesChanged();
        if (ThpTunables.startsStopsKhugepaged(knob)) {
            minFree.startStopKhugepaged();
        }
    }

    /** A sysctl was written: the watermarks follow vm.min_free_kbytes and vm.watermark_scale_factor. */
    public void sysctlWritten(String name) {
        minFree.sysctlWritten(name);
    }

    /** @return and clears the policies that failed since the last call */
    public List<PolicyFailure> takeFailures() {
        return guard.takeFailures();
    }

    /** Forgets that a policy failed (the user selected it again). */
    public void forgive(Object policy) {
        guard.forgive(policy);
    }

    /** Completes pending migration-entry promotions: an operation other than a touch would wait on them. */
    public void settle() {
        migrations.settle();
    }

    /** Called by the runtime after every operation: wakes kswapd below the low watermark, runs due events. */
    public void endOp() {
        vmscan.wakeKswapdBelowLow();
        mmus.kthread(); // the events are the kernel's threads
        clock.runDue();
        guard.end(); // from now on no context handed to a policy may be used
    }

    /** smaps of region {@code name} or of all (null); with {@code rollup}, smaps_rollup's one entry */
    public List<SmapsEntry> smaps(String proc, String name, boolean rollup) {
        AddressSpace mm = args.proc(rollup ? "smaps_rollup" : "smaps", proc);
        if (name != null) {
            Args.region("smaps", mm, name);
        }
        return rollup ? List.of(reports.smapsRollup(mm)) : reports.smaps(mm, name);
    }

    public Map<String, Long> vmstat() {
        return reports.vmstat();
    }

    public Map<String, Long> meminfo() {
        return reports.meminfo();
    }

    public Map<String, long[]> buddyinfo() {
        return reports.buddyinfo();
    }

    public Map<String, Long> zoneinfo() {
        return reports.zoneinfo();
    }

    /** @return pages of the region whose content differs from what the process wrote */
    public long verify(String proc, String name) {
        AddressSpace mm = args.proc("verify", proc);
        return reports.verify(mm, Args.region("verify", mm, name));
    }

    public List<String> check() {
        List<String> v = new ArrayList<>(new Checker(k, folios, tables, zero, reservations, migrations).run());
        k.overcommit().check(tasks.procs.values(), v);
        return v;
    }

    /** @return statistics beyond /proc/vmstat */
    public Map<String, Long> stat() {
        return sys.stat(mmapLock);
    }

    /** @return the kernel log, oldest line first */
    public List<String> dmesg() {
        return log.dmesg();
    }

    /** @return OOM kill number {@code kill} (from 1, as vmstat oom_kill counts) as its report found it, or null if not among the last few */
    public OomReport oomReport(long kill) {
        return oom.report(kill);
    }

    /** /proc/PID/oom_score: the OOM killer's badness of the process scaled to 0..2000 (proc_oom_score()). */
    public long oomScore(String proc) {
        return oom.score(args.proc("oom_score", proc));
    }

    /** @return one vmstat event counter, e.g. how many processes the OOM killer has killed (oom_kill) */
    public long count(VmEvent event) {
        return stat.get(event);
    }

    public long now() {
        return clock.now();
    }

    public List<String> processes() {
        return new ArrayList<>(tasks.procs.keySet());
    }

    public Tracer tracer() {
        return k.trace();
    }

    /** The web view's pictures of this machine; coverage looks its process up as every operation does. */
    public Pictures maps() {
        return new Pictures(new org.thplab.mm.core.report.MemoryMaps(f, buddy, folios, reservations, tasks, n -> args.proc("coverage", n)), clock.now());
    }

    /** Starts recording the simulated latency of every fault; returns the histogram. */
    public LatencyHistogram recordLatency() {
        return faults.recordLatency();
    }

    /** Starts a recording of machine {@code name}, and of fault latencies afresh; or goes on with one made before a boot. */
    public Recorder record(String name, long every, List<String> prefixes, Recorder going) {
        return Recorder.onto(going, name, clock, reports, tasks, mmapLock, faults.recordLatency(), every, prefixes);
    }
}
