package org.thplab.mm.core.machine;

import static org.thplab.mm.core.frames.Frames.ANON;
import static org.thplab.mm.core.frames.Frames.ANON_TAIL;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.frames.Frames.HZERO;
import static org.thplab.mm.core.frames.Frames.HZERO_TAIL;
import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;
import static org.thplab.mm.core.frames.Frames.PGTABLE;
import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.swap.SwapDevice;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Family;
import org.thplab.mm.core.vma.Region;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.AllocPurpose;

/**
 * One simulated machine: all state and the process-level operations (mmap, munmap, madvise,
 * fork, exit, touch), built on the folio mechanisms of {@link Folios}, the fault paths of
 * {@link FaultPaths} and the reclaim and compaction of {@link Reclaim}. Not thread-safe: the
 * runtime serialises operations, and one operation runs between two events of the clock.
 */
public final class Machine {
    final Frames f;
    final Buddy buddy;
    final SwapDevice swap;
    final Clock clock = new Clock();
    final VmStat stat = new VmStat();
    final ThpTunables tunables;
    final long seed;
    final Folios folios;
    final FaultPaths faults;
    final Reclaim reclaim;
    final Allocator allocator;
    final Promotion promotion;
    final Reservations reservations;
    final Migrations migrations;
    final Tracer trace = new Tracer(clock);
    final OomKiller oom = new OomKiller(this);
    /** The kernel log (printk), dmesg's ring buffer: the newest {@value #KMSG_LINES} lines. */
    private final java.util.ArrayDeque<String> kmsg = new java.util.ArrayDeque<>();
    static final int KMSG_LINES = 16_384;
    ActivePolicies policies = ActivePolicies.NONE;
    /** Policies that failed during this operation (containment); the runtime disables them. */
    private final List<PolicyFailure> failures = new ArrayList<>();
    private final java.util.Set<Object> failed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private int policyDepth;
    private long policySimDeadline;
    /** Wall-clock start of the current policy call, 0 until first read; mechanism calls since entry. */
    private long policyWallStart;
    private int policyChecks;
    /** Simulated and wall-clock time one policy call may take before it is stopped. */
    static final long POLICY_SIM_BUDGET = 1_000_000_000L;
    static final long POLICY_WALL_BUDGET = 2_000_000_000L;

    /** A policy that failed: what it was and why. */
    public record PolicyFailure(Object policy, String reason) {
    }

    /** Thrown by a mechanism when the policy calling it has run past its budget. */
    static final class PolicyBudgetExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PolicyBudgetExceeded(String m) {
            super(m);
        }
    }

    /** Fault latencies, recorded while a workload asks for them. */
    org.thplab.mm.core.stat.LatencyHistogram latency;

    final Map<String, AddressSpace> procs = new LinkedHashMap<>();
    /** Every address space by id: the live ones and exited ones still on khugepaged's list. */
    final Map<Integer, AddressSpace> mms = new java.util.TreeMap<>();
    /** The promoters currently scheduled as daemons, with their event names. */
    private final Map<org.thplab.mm.spi.PromotionPolicy, String> daemons = new java.util.IdentityHashMap<>();
    private int daemonSeq;
    /** The last MADV_COLLAPSE: simulated time, mmap write hold, lock acquisitions. */
    long lastCollapseNs;
    long lastCollapseHoldNs;
    long lastCollapseAcquisitions;
    final List<Family> families = new ArrayList<>();
    private int nextMmId = 1;
    /** The 4 KiB zero page. */
    final int zeroPfn;
    /** The huge zero page, or -1 while not allocated; and how many PMDs map it. */
    int hugeZeroPfn = -1;
    long hugeZeroUsers;
    /** nr_page_table_pages. */
    long pgtables;
    private int token;

    /**
     * Boots a machine: frame 0..511 hold the kernel image and the zero page (unmovable), the
     * rest is free.
     */
    public Machine(long bytes, long swapBytes, long seed, ThpTunables tunables) {
        long frames = bytes / PAGE_SIZE;
        if (bytes < (16L << 20) || bytes % PMD_SIZE != 0 || frames > (1L << 30)) {
            throw new MmUsageException("boot: memory size must be a multiple of 2M from 16M to 4T, not " + bytes);
        }
        if (swapBytes < 0 || swapBytes % PAGE_SIZE != 0 || swapBytes / PAGE_SIZE > Integer.MAX_VALUE) {
            throw new MmUsageException("boot: swap size must be a multiple of 4K, not " + swapBytes);
        }
        this.tunables = tunables;
        this.seed = seed;
        f = new Frames((int) frames);
        buddy = new Buddy(f);
        swap = swapBytes >= PAGE_SIZE * SwapDevice.CLUSTER ? new SwapDevice((int) (swapBytes / PAGE_SIZE)) : null;
        // The first pageblock is the kernel's: reserved, with the zero page in it.
        for (int p = 0; p < HPAGE_PMD_NR; p++) {
            f.type[p] = Frames.ISOLATED;
        }
        buddy.setMigratetype(0, Buddy.UNMOVABLE);
        buddy.markBlockUsed(0);
        zeroPfn = 1;
        f.type[zeroPfn] = Frames.ZERO;
        buddy.addFreeRange(HPAGE_PMD_NR, f.nr);
        folios = new Folios(this);
        allocator = new Allocator(this);
        faults = new FaultPaths(this);
        reclaim = new Reclaim(this);
        promotion = new Promotion(this);
        reservations = new Reservations(this);
        migrations = new Migrations(this);
        tunables.resPagesCollapsed = () -> reservations.resPagesCollapsed;
        tunables.pagesCollapsed = () -> promotion.pagesCollapsed;
        tunables.fullScans = () -> promotion.fullScans;
    }

    // ----------------------------------------------------------------------------------------
    // Lookups that validate user input.

    AddressSpace proc(String cmd, String name) {
        AddressSpace mm = procs.get(name);
        if (mm == null) {
            throw new MmUsageException(cmd + ": no process '" + name + "'");
        }
        return mm;
    }

    Region region(String cmd, AddressSpace mm, String name) {
        Region r = mm.regions.get(name);
        if (r == null) {
            throw new MmUsageException(cmd + ": process '" + mm.name + "' has no region '" + name + "'");
        }
        return r;
    }

    /** Validates [off, off+len) inside the region, page aligned; returns {start, end} addresses. */
    static long[] range(String cmd, Region r, long off, long len) {
        if (off % PAGE_SIZE != 0) {
            throw new MmUsageException(cmd + ": offset " + off + " is not a multiple of 4K");
        }
        if (len <= 0) {
            throw new MmUsageException(cmd + ": length must be positive");
        }
        long end = off + ((len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
        if (off >= r.size || end > r.size || end < off) {
            throw new MmUsageException(cmd + ": range " + off + "+" + len + " is outside region '" + r.name
                    + "' of " + r.size + " bytes");
        }
        return new long[] {r.start + off, r.start + end};
    }

    int nextToken() {
        token++;
        if (token == 0) {
            token = 1;
        }
        return token;
    }

    // ----------------------------------------------------------------------------------------
    // Processes.

    public void spawn(String name) {
        checkName("spawn", name);
        if (procs.containsKey(name)) {
            throw new MmUsageException("spawn: process '" + name + "' exists");
        }
        Family fam = new Family(families.size());
        families.add(fam);
        AddressSpace mm = new AddressSpace(name, nextMmId++, fam);
        fam.members.add(mm);
        procs.put(name, mm);
        mms.put(mm.id, mm);
    }

    private static void checkName(String cmd, String name) {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new MmUsageException(cmd + ": bad name '" + name + "' (letters, digits, _ . -)");
        }
    }

    public void mmap(String proc, String name, long size) {
        AddressSpace mm = proc("mmap", proc);
        checkName("mmap", name);
        if (mm.regions.containsKey(name)) {
            throw new MmUsageException("mmap: process '" + proc + "' already has a region '" + name + "'");
        }
        if (size <= 0 || size % PAGE_SIZE != 0) {
            throw new MmUsageException("mmap: size must be a positive multiple of 4K, not " + size);
        }
        long start = mm.nextMmap;
        long end = start + size;
        if ((end >>> 12) >= Integer.MAX_VALUE) {
            throw new MmUsageException("mmap: address space of '" + proc + "' exhausted");
        }
        mm.nextMmap = ((end + PMD_SIZE - 1) & ~(PMD_SIZE - 1)) + AddressSpace.GAP;
        Region r = new Region(name, start, size);
        mm.regions.put(name, r);
        Vma v = new Vma(start, end, 0, r);
        mm.vmas.add(v);
        mm.vmas.sort((a, b) -> Long.compare(a.start, b.start));
        // mmap_region() registers the mm with khugepaged when THP is allowed there.
        promotion.enterVma(mm, v);
    }

    public void munmap(String proc, String name, long off, long len) {
        AddressSpace mm = proc("munmap", proc);
        Region r = region("munmap", mm, name);
        long[] rg = len < 0 ? new long[] {r.start, r.end()} : range("munmap", r, off, len);
        splitVmaAt(mm, rg[0]);
        splitVmaAt(mm, rg[1]);
        folios.zapRange(mm, rg[0], rg[1]);
        mm.removeRange(rg[0], rg[1]);
        folios.freeEmptyTables(mm, rg[0], rg[1]);
        r.discard(rg[0], rg[1]);
        boolean any = false;
        for (Vma v : mm.vmas) {
            any |= v.region == r;
        }
        if (!any) {
            mm.regions.remove(name);
        }
    }

    /** __split_vma() at {@code addr}; a huge PMD straddling the new boundary is split first (vma_adjust_trans_huge). */
    void splitVmaAt(AddressSpace mm, long addr) {
        if ((addr & (PMD_SIZE - 1)) != 0 && mm.find(addr) != null && mm.find(addr).start != addr) {
            PmdTable t = mm.pt.lookup(addr);
            int i = PageTable.pmdIndex(addr);
            if (t != null && t.pte[i] == null && t.pmd[i] != 0) {
                folios.splitHugePmd(mm, t, i, addr & ~(PMD_SIZE - 1));
            }
        }
        mm.splitAt(addr);
    }

    public SyscallResult madvise(String proc, String name, long off, long len, Advice advice) {
        AddressSpace mm = proc("madvise", proc);
        Region r = region("madvise", mm, name);
        long[] rg = range("madvise", r, off, len);
        boolean hole = holes(mm, rg[0], rg[1]);
        switch (advice) {
            case HUGEPAGE, NOHUGEPAGE -> {
                splitVmaAt(mm, rg[0]);
                splitVmaAt(mm, rg[1]);
                for (Vma v : mm.overlapping(rg[0], rg[1])) {
                    // hugepage_madvise(): each flag clears the other.
                    v.flags = advice == Advice.HUGEPAGE ? Vma.VM_HUGEPAGE : Vma.VM_NOHUGEPAGE;
                }
                mm.mergeAdjacent();
                if (advice == Advice.HUGEPAGE) {
                    // hugepage_madvise() -> khugepaged_enter_vma()
                    for (Vma v : mm.overlapping(rg[0], rg[1])) {
                        promotion.enterVma(mm, v);
                    }
                }
            }
            case DONTNEED -> {
                for (Vma v : mm.overlapping(rg[0], rg[1])) {
                    long s = Math.max(v.start, rg[0]);
                    long e = Math.min(v.end, rg[1]);
                    folios.zapRange(mm, s, e);
                    r.discard(s, e);
                }
            }
            case PAGEOUT -> {
                if (!hole) {
                    reclaim.pageout(mm, rg[0], rg[1]);
                }
            }
            case COLLAPSE -> {
                return madviseCollapse(mm, rg[0], rg[1]);
            }
            default -> throw new IllegalStateException();
        }
        if (hole) {
            return SyscallResult.fail(Errno.ENOMEM, "part of the range is not mapped");
        }
        return SyscallResult.OK;
    }

    /**
     * MADV_COLLAPSE: handed to the first enabled promoter that implements it; EINVAL when none
     * does, as on a kernel without it. Records the call's simulated time and mmap write hold.
     */
    private SyscallResult madviseCollapse(AddressSpace mm, long from, long to) {
        long t0 = clock.now();
        long hold0 = promotion.lockWriteNs;
        long acq0 = promotion.lockWriteAcquisitions;
        SyscallResult res = null;
        for (var p : policies.promoters()) {
            if (!usable(p)) {
                continue;
            }
            enterPolicy();
            try {
                res = p.madviseCollapse(promotion, mm.id, from, to - from);
            } catch (RuntimeException | StackOverflowError e) {
                policyFailed(p, "madviseCollapse", e);
                res = SyscallResult.fail(Errno.EINVAL, "the promotion policy failed: " + e);
            } finally {
                exitPolicy();
                promotion.cleanupAfter(p);
            }
            if (res != null) {
                break;
            }
        }
        if (res == null) {
            return SyscallResult.fail(Errno.EINVAL, "MADV_COLLAPSE is not supported: no enabled promotion policy implements it");
        }
        lastCollapseNs = clock.now() - t0;
        lastCollapseHoldNs = promotion.lockWriteNs - hold0;
        lastCollapseAcquisitions = promotion.lockWriteAcquisitions - acq0;
        return res;
    }

    private static boolean holes(AddressSpace mm, long from, long to) {
        long at = from;
        for (Vma v : mm.overlapping(from, to)) {
            if (v.start > at) {
                return true;
            }
            at = v.end;
        }
        return at < to;
    }

    public SyscallResult touch(String proc, String name, long off, long len, boolean write) {
        AddressSpace mm = proc("touch", proc);
        Region r = region("touch", mm, name);
        long[] rg = range("touch", r, off, len);
        return faults.touch(mm, r, rg[0], rg[1], write);
    }

    /**
     * fork(): dup_mmap() and copy_page_range(). When the child's page tables cannot be had the
     * OOM killer runs and the fork is tried again; it fails only when the parent itself is killed
     * (SIGKILL) or no process is left to kill (ENOMEM).
     */
    public SyscallResult fork(String parent, String child) {
        AddressSpace p = proc("fork", parent);
        checkName("fork", child);
        if (procs.containsKey(child)) {
            throw new MmUsageException("fork: process '" + child + "' exists");
        }
        int id = nextMmId++; // one pid, however often the copy is retried
        while (true) {
            long failures = allocator.order0Failures;
            SyscallResult r = tryFork(p, child, id);
            if (r != null) {
                return r;
            }
            if (allocator.order0Failures == failures) {
                return SyscallResult.fail(Errno.ENOMEM, "fork: the child's page tables could not be had, though no allocation failed");
            }
            AddressSpace victim = oom.outOfMemory(p, AllocPurpose.KERNEL);
            if (victim == null) {
                return SyscallResult.fail(Errno.ENOMEM, "fork: no memory for the child's page tables and no process to kill");
            }
            if (victim == p) {
                return SyscallResult.fail(Errno.SIGKILL, "fork: " + p.name + " was killed by the OOM killer");
            }
        }
    }

    /** One attempt at fork; null when the child's page tables could not be had (undone). */
    private SyscallResult tryFork(AddressSpace p, String child, int id) {
        AddressSpace c = new AddressSpace(child, id, p.family);
        c.oomScoreAdj = p.oomScoreAdj; // copy_signal()
        c.nextMmap = p.nextMmap;
        Map<Region, Region> copies = new LinkedHashMap<>();
        for (Region r : p.regions.values()) {
            Region rc = r.copy();
            copies.put(r, rc);
            c.regions.put(rc.name, rc);
        }
        for (Vma v : p.vmas) {
            Vma cv = new Vma(v.start, v.end, v.flags, copies.get(v.region));
            cv.anonVma = v.anonVma; // anon_vma_fork()
            c.vmas.add(cv);
        }
        p.family.members.add(c);
        procs.put(child, c);
        mms.put(c.id, c);
        if (!folios.copyPageTables(p, c)) {
            teardown(c); // before khugepaged knows the child: nothing lingers on its list
            return null;
        }
        if (p.khugepaged) {
            promotion.register(c); // khugepaged_fork(); a failed fork's khugepaged_exit() removes it at once
        }
        // The parent's PTEs were write-protected: flush its TLB.
        clock.charge(CostModel.TLB_FLUSH);
        return SyscallResult.OK;
    }

    public void exit(String proc) {
        teardown(proc("exit", proc));
    }

    /** The OOM killer's kill: the victim exits and its memory is reaped (oom_reap_task_mm, exit_mmap). */
    void kill(AddressSpace victim) {
        if (migrations.any()) {
            migrations.abandon(victim);
        }
        teardown(victim);
    }

    /** printk(): one line into the kernel log, stamped with the simulated time as dmesg shows it. */
    void printk(String line) {
        long ns = clock.now();
        if (kmsg.size() == KMSG_LINES) {
            kmsg.removeFirst(); // the ring buffer overwrites its oldest record
        }
        kmsg.addLast(String.format(java.util.Locale.ROOT, "[%5d.%06d] %s", ns / 1_000_000_000L, (ns / 1000) % 1_000_000, line));
    }

    /** @return the kernel log, oldest line first */
    public List<String> dmesg() {
        return List.copyOf(kmsg);
    }

    /**
     * @param kill the number of the kill, counted from 1 as vmstat oom_kill counts them
     * @return meminfo as that kill's OOM report found it, before its victim was reaped (plus
     *         {@code nr_thp_reserved} in pages), or null when it is not among the last few
     */
    public Map<String, Long> meminfoAtOom(long kill) {
        return oom.meminfo(kill);
    }

    /** @return the process the OOM killer killed in kill number {@code kill} (from 1), or null */
    public String oomVictim(long kill) {
        return oom.victim(kill);
    }

    /**
     * /proc/PID/oom_score_adj: sets the process's adjustment when {@code value} is given.
     *
     * @return the value now
     */
    public int oomScoreAdj(String proc, Integer value) {
        AddressSpace mm = proc("oom_score_adj", proc);
        if (value != null) {
            if (value < OomKiller.OOM_SCORE_ADJ_MIN || value > OomKiller.OOM_SCORE_ADJ_MAX) {
                throw new MmUsageException("oom_score_adj: the value must be from -1000 to 1000, not " + value);
            }
            mm.oomScoreAdj = value;
        }
        return mm.oomScoreAdj;
    }

    /** /proc/PID/oom_score: the OOM killer's badness of the process scaled to 0..2000 (proc_oom_score()). */
    public long oomScore(String proc) {
        return oom.score(proc("oom_score", proc));
    }

    /** @return how many processes the OOM killer has killed (vmstat oom_kill) */
    public long oomKills() {
        return stat.get(VmEvent.OOM_KILL);
    }

    private void teardown(AddressSpace mm) {
        reservations.releaseRange(mm, 0, Long.MAX_VALUE);
        for (Vma v : new ArrayList<>(mm.vmas)) {
            folios.zapRange(mm, v.start, v.end);
        }
        long lo = AddressSpace.MMAP_BASE;
        mm.vmas.clear();
        folios.freeEmptyTables(mm, lo, mm.nextMmap);
        mm.family.members.remove(mm);
        procs.remove(mm.name);
        mm.dead = true;
        if (!mm.khugepaged) {
            mms.remove(mm.id); // else it stays on khugepaged's list until collected
        }
    }

    /** Advances time by {@code nanos}, running the daemons that come due. */
    public void tick(long nanos) {
        if (nanos < 0) {
            throw new MmUsageException("tick: negative duration");
        }
        clock.runUntil(clock.now() + nanos);
    }

    // ----------------------------------------------------------------------------------------
    // Containment of policies: every call into a policy goes through enter/exit; a policy that
    // throws, runs past its budget or misuses a mechanism is recorded and treated as absent from
    // then on, and the caller completes the operation with the built-in fallback.

    boolean usable(Object policy) {
        return policy != null && (failed.isEmpty() || !failed.contains(policy));
    }

    void enterPolicy() {
        if (policyDepth++ == 0) {
            policySimDeadline = clock.now() + POLICY_SIM_BUDGET;
            policyWallStart = 0;
            policyChecks = 0;
        }
    }

    void exitPolicy() {
        policyDepth--;
    }

    /** Called by mechanisms: stops a policy call that has run past its simulated or wall-clock budget. */
    void checkBudget() {
        // The wall clock is read every 256th mechanism call only (System.nanoTime() per page
        // allocation cost a third of the fault rate); a call that makes fewer is short anyway.
        if (policyDepth > 0 && (clock.now() > policySimDeadline || (++policyChecks & 255) == 0 && wallExceeded())) {
            throw new PolicyBudgetExceeded("ran past its time budget (" + POLICY_SIM_BUDGET / 1_000_000 + " ms simulated or "
                    + POLICY_WALL_BUDGET / 1_000_000 + " ms wall per call)");
        }
    }

    private boolean wallExceeded() {
        long now = System.nanoTime();
        if (policyWallStart == 0) {
            policyWallStart = now;
            return false;
        }
        return now - policyWallStart > POLICY_WALL_BUDGET;
    }

    void policyFailed(Object policy, String what, Throwable t) {
        policyFailed(policy, what + ": " + (t instanceof PolicyBudgetExceeded ? t.getMessage() : t.toString()));
    }

    void policyFailed(Object policy, String reason) {
        if (failed.add(policy)) {
            failures.add(new PolicyFailure(policy, reason));
            trace.emit("thplab_policy_failed", "policy=" + policy.getClass().getName() + " reason=" + reason);
        }
    }

    /** @return and clears the policies that failed since the last call */
    public List<PolicyFailure> takeFailures() {
        if (failures.isEmpty()) {
            return List.of();
        }
        List<PolicyFailure> out = new ArrayList<>(failures);
        failures.clear();
        return out;
    }

    /** Forgets that a policy failed (the user selected it again). */
    public void forgive(Object policy) {
        failed.remove(policy);
    }

    /** Completes pending migration-entry promotions: an operation other than a touch would wait on them. */
    public void settle() {
        if (migrations.any()) {
            migrations.settle();
        }
    }

    /** Called by the runtime after every operation: wakes kswapd below the low watermark, runs due events. */
    public void endOp() {
        if (buddy.freePages() < buddy.wmarkLow) {
            reclaim.wakeKswapd();
        }
        clock.runDue();
    }

    // ----------------------------------------------------------------------------------------
    // Reports.

    public List<SmapsEntry> smaps(String proc, String name) {
        AddressSpace mm = proc("smaps", proc);
        if (name != null) {
            region("smaps", mm, name);
        }
        List<SmapsEntry> out = new ArrayList<>();
        for (Vma v : mm.vmas) {
            if (name != null && !v.region.name.equals(name)) {
                continue;
            }
            long[] acc = new long[3]; // rss pages, anon huge pages, swap pages
            walk(mm, v.start, v.end, acc);
            out.add(new SmapsEntry(v.start, v.end, v.region.name, (v.end - v.start) / 1024,
                    acc[0] * 4, acc[1] * 4, acc[2] * 4, thpEligible(v), v.vmFlags()));
        }
        return out;
    }

    /** Counts resident, PMD-mapped and swapped pages in [from, to) (smaps_pte_range / smaps_pmd_entry). */
    private void walk(AddressSpace mm, long from, long to, long[] acc) {
        for (long va = from; va < to; ) {
            PmdTable t = mm.pt.lookup(va);
            long pmdEnd = (va & ~(PMD_SIZE - 1)) + PMD_SIZE;
            long segEnd = Math.min(to, pmdEnd);
            if (t == null) {
                va = segEnd;
                continue;
            }
            int i = PageTable.pmdIndex(va);
            PteTable ptes = t.pte[i];
            if (ptes == null) {
                if (Pte.kind(t.pmd[i]) == Pte.HUGE) {
                    long pages = (segEnd - va) >>> 12;
                    acc[0] += pages;
                    acc[1] += pages;
                }
            } else {
                for (long a = va; a < segEnd; a += PAGE_SIZE) {
                    int k = Pte.kind(ptes.get(PageTable.pteIndex(a)));
                    if (k == Pte.PRESENT || k == Pte.MIGRATION) {
                        acc[0]++;
                    } else if (k == Pte.SWAP) {
                        acc[2]++;
                    }
                }
            }
            va = segEnd;
        }
    }

    /** thp_vma_allowable_orders(vma, TVA_SMAPS | TVA_ENFORCE_SYSFS, PMD_ORDER) for an anonymous VMA. */
    boolean thpEligible(Vma v) {
        return promotion.allowed(v, true, true);
    }

    /** @return /proc/vmstat: gauges, then the event counters in the kernel's order */
    public Map<String, Long> vmstat() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("nr_free_pages", buddy.freePages());
        m.put("nr_anon_pages", folios.nrAnon);
        m.put("nr_anon_transparent_hugepages", folios.nrAnonThps);
        m.put("nr_page_table_pages", pgtables);
        m.put("nr_swap_used", swap == null ? 0 : swap.used());
        m.put("nr_thp_deferred_split", folios.deferredLength());
        m.put("nr_thp_reserved", reservations.reserved);
        for (VmEvent e : VmEvent.values()) {
            m.put(e.counterName(), stat.get(e));
        }
        return m;
    }

    /** @return /proc/meminfo lines in kB */
    public Map<String, Long> meminfo() {
        Map<String, Long> m = new LinkedHashMap<>();
        long total = (long) (f.nr - HPAGE_PMD_NR) * 4;
        m.put("MemTotal", total);
        m.put("MemFree", buddy.freePages() * 4);
        // nr_thp_reserved counts toward MemAvailable, as the reservation RFC documents.
        m.put("MemAvailable", Math.max(0, buddy.freePages() + reservations.reserved - buddy.wmarkLow) * 4);
        m.put("AnonPages", folios.nrAnon * 4);
        m.put("AnonHugePages", folios.nrAnonThps * 2048);
        m.put("PageTables", pgtables * 4);
        m.put("SwapTotal", swap == null ? 0 : (long) swap.nslots * 4);
        m.put("SwapFree", swap == null ? 0 : swap.free() * 4);
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
    public long verify(String proc, String name) {
        AddressSpace mm = proc("verify", proc);
        Region r = region("verify", mm, name);
        long bad = 0;
        for (long va = r.start; va < r.end(); va += PAGE_SIZE) {
            if (contentAt(mm, va) != r.expected(va)) {
                bad++;
            }
        }
        return bad;
    }

    /** @return what a read of {@code va} would return, without faulting */
    int contentAt(AddressSpace mm, long va) {
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

    public List<String> check() {
        return new Checker(this).run();
    }

    public long now() {
        return clock.now();
    }

    public List<String> processes() {
        return new ArrayList<>(procs.keySet());
    }

    public ThpTunables tunables() {
        return tunables;
    }

    public void setPolicies(ActivePolicies p) {
        this.policies = p;
        // Promoters that came or went since the last operation: schedule or cancel their daemon.
        var gone = new java.util.ArrayList<>(daemons.keySet());
        gone.removeAll(p.promoters());
        for (var g : gone) {
            clock.cancel(daemons.remove(g));
        }
        for (var pr : p.promoters()) {
            if (!daemons.containsKey(pr)) {
                String name = "promoter-" + daemonSeq++;
                daemons.put(pr, name);
                scheduleDaemon(pr, name);
            }
        }
    }

    private void scheduleDaemon(org.thplab.mm.spi.PromotionPolicy pr, String name) {
        if (!usable(pr)) {
            return;
        }
        long delay;
        try {
            delay = pr.nextWake(promotion);
        } catch (RuntimeException | StackOverflowError e) {
            policyFailed(pr, "nextWake", e);
            return;
        }
        if (delay >= 0) {
            clock.schedule(name, delay, () -> runDaemon(pr, name));
        }
    }

    private void runDaemon(org.thplab.mm.spi.PromotionPolicy pr, String name) {
        if (daemons.get(pr) != name || !usable(pr)) {
            return; // disabled meanwhile
        }
        enterPolicy();
        try {
            pr.wake(promotion);
        } catch (RuntimeException | StackOverflowError e) {
            policyFailed(pr, "wake", e);
        } finally {
            exitPolicy();
            promotion.cleanupAfter(pr);
        }
        scheduleDaemon(pr, name);
    }

    /**
     * A tunable changed: daemons re-read their sleep times now, as writing
     * khugepaged/scan_sleep_millisecs wakes khugepaged in the kernel.
     */
    public void tunablesChanged() {
        for (var e : daemons.entrySet()) {
            clock.cancel(e.getValue());
            scheduleDaemon(e.getKey(), e.getValue());
        }
    }

    /** @return statistics beyond /proc/vmstat */
    public Map<String, Long> stat() {
        Map<String, Long> s = new LinkedHashMap<>();
        s.put("time_ns", clock.now());
        s.put("mmap_lock_write_ns", promotion.lockWriteNs);
        s.put("mmap_lock_write_acquisitions", promotion.lockWriteAcquisitions);
        s.put("mmap_lock_write_max_ns", promotion.lockWriteMaxNs);
        s.put("last_madv_collapse_ns", lastCollapseNs);
        s.put("last_madv_collapse_lock_write_ns", lastCollapseHoldNs);
        s.put("last_madv_collapse_lock_acquisitions", lastCollapseAcquisitions);
        s.put("khugepaged_mm_slots", (long) promotion.slots.size());
        s.put("migration_entry_waits", migrations.waits);
        s.put("migration_entry_wait_ns", migrations.waitNs);
        return s;
    }

    /**
     * Marks the frame mapped at the address as having an uncorrectable memory error. thplab's
     * poison is latent: the process still reads its data; only a machine-check-safe copy
     * (collapse) fails on it, and rolls back.
     */
    public void poison(String proc, String name, long off) {
        AddressSpace mm = proc("poison", proc);
        Region r = region("poison", mm, name);
        long va = range("poison", r, off, PAGE_SIZE)[0];
        PmdTable t = mm.pt.lookup(va);
        int i = PageTable.pmdIndex(va);
        int pfn = -1;
        if (t != null && t.pte[i] != null && Pte.kind(t.pte[i].get(PageTable.pteIndex(va))) == Pte.PRESENT) {
            pfn = Pte.pfn(t.pte[i].get(PageTable.pteIndex(va)));
        } else if (t != null && t.pte[i] == null && Pte.kind(t.pmd[i]) == Pte.HUGE) {
            pfn = Pte.pfn(t.pmd[i]) + PageTable.pteIndex(va);
        }
        if (pfn < 0) {
            throw new MmUsageException("poison: no page is mapped at offset " + off + " of region '" + name + "'");
        }
        promotion.poison(pfn);
    }

    public Tracer tracer() {
        return trace;
    }

    public long frames() {
        return f.nr;
    }

    /** Starts recording the simulated latency of every fault; returns the histogram. */
    public org.thplab.mm.core.stat.LatencyHistogram recordLatency() {
        latency = new org.thplab.mm.core.stat.LatencyHistogram();
        return latency;
    }

    /** @return resident anonymous pages of a process (MM_ANONPAGES) */
    public long rss(String proc) {
        return proc("rss", proc).rssAnon;
    }

    // ----------------------------------------------------------------------------------------
    // Test hooks: deliberate corruption, to prove that check() notices.

    /** Corrupts the refcount of the first mapped anonymous folio; returns its frame or -1. */
    public int corruptRefcountForTest() {
        for (int p = 0; p < f.nr; p++) {
            if (f.type[p] == ANON && f.ref[p] > 0) {
                f.ref[p]++;
                return p;
            }
        }
        return -1;
    }

    /** Takes a frame from the free lists and gives it to nobody; returns it. */
    public int leakFrameForTest() {
        int p = buddy.alloc(0, Buddy.MOVABLE);
        f.type[p] = ANON;
        f.ref[p] = 1;
        return p;
    }

    static boolean isAnon(byte type) {
        return type == ANON || type == ANON_TAIL;
    }

    static boolean isHugeZero(byte type) {
        return type == HZERO || type == HZERO_TAIL;
    }

    static boolean isPgtable(byte type) {
        return type == PGTABLE;
    }

    static final int PMD_ORDER = HPAGE_PMD_ORDER;
    static final AllocPurpose KERNEL = AllocPurpose.KERNEL;
}
