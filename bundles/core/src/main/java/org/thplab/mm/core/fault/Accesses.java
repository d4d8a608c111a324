package org.thplab.mm.core.fault;

import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PerfStat;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.mmu.Mmu;
import org.thplab.mm.core.mmu.MmuEvent;
import org.thplab.mm.core.mmu.MmuPreset;
import org.thplab.mm.core.mmu.Mmus;
import org.thplab.mm.core.stat.VmStat;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmapLock;
import org.thplab.mm.core.vma.Region;
import org.thplab.mm.core.vma.Task;

/**
 * A user program running on its CPU: the loads and stores of {@code access}, each translated by
 * that CPU's {@link Mmu} and served by the page table, or by a fault when the page table cannot
 * serve it (the MMU raises #PF, handle_mm_fault() runs, the access is retried); and the
 * accounting perf stat reads: each process's task clock, faults and MMU events.
 *
 * <p>The page table decides what an access reads or writes, always; the TLBs decide only what
 * the translation costs. So a TLB that keeps an entry the kernel would have flushed can make an
 * access cheaper than it should be, never wrong.
 */
public final class Accesses {
    /** How often a long run of accesses looks for Ctrl-C: the shell interrupts the thread. */
    private static final long INTERRUPT_CHECK = 1L << 20;
    /** How often a recording's clock is brought up to date during accesses: every 4096 (microseconds apart at most). */
    private static final long OBSERVE = 1L << 12;
    /** A prime above any region's page count: rank r of a Zipf draw is page r * P mod pages, a bijection. */
    private static final long SCRAMBLE = 2_147_483_659L;

    private final Clock clock;
    private final VmStat stat;
    private final Mmus mmus;
    private final FaultHandler faults;
    private final MmapLock mmapLock;
    /** The machine's stream of random numbers: drawn from only by the patterns, in the order of the accesses. */
    private final SplittableRandom random;
    private final UniformRandomProvider rng;
    /**
     * By mm id, two MMUs of the process's preset that see its accesses as if every page were
     * mapped by a THP ([0]) and by a base page ([1]): the slowdown of delayed or absent THP is
     * the walk cycles spent against theirs. They see only this process's accesses and no flush
     * (an ideal of each mapping); made at a process's first access, dropped when it exits.
     */
    private final Map<Integer, Mmu[]> shadows = new java.util.HashMap<>();
    /** The translations each shadow of the running process owes: none between runs. */
    private final Deferred owedThp = new Deferred();
    private final Deferred owed4k = new Deferred();

    public Accesses(Clock clock, VmStat stat, Mmus mmus, FaultHandler faults, MmapLock mmapLock, long seed) {
        this.clock = clock;
        this.mmapLock = mmapLock;
        faults.mmapLock = mmapLock;
        this.stat = stat;
        this.mmus = mmus;
        this.faults = faults;
        this.random = new SplittableRandom(seed);
        this.rng = random::nextLong;
    }

    /**
     * The process, or its thread {@code mm.current}, touches [from, to) on its CPU:
     * {@link FaultHandler#touch}, accounted to the process and the thread. A thread runs on its
     * own CPU's clock ({@link MmapLock#enter}).
     */
    public SyscallResult touch(AddressSpace mm, Region r, long from, long to, boolean write) {
        Task task = mm.current;
        long machine = mmapLock.enter(mm);
        try {
            mmus.run(mm.id, task == null ? 0 : task.index);
            long t0 = clock.now();
            long f0 = stat.get(VmEvent.PGFAULT);
            long w0 = task == null ? 0 : task.readWaitNs;
            SyscallResult res = faults.touch(mm, r, from, to, write);
            ran(mm, task, t0, w0, f0, 0);
            return res;
        } finally {
            mmapLock.leave(mm, machine);
        }
    }

    /** perf's task-clock (not while asleep on the mmap lock), page-faults and accesses: the process's and its thread's. */
    private void ran(AddressSpace mm, Task task, long t0, long w0, long f0, long accessed) {
        long ns = clock.now() - t0 - (task == null ? 0 : task.readWaitNs - w0);
        long df = stat.get(VmEvent.PGFAULT) - f0;
        mm.taskClockNs += ns;
        mm.pageFaults += df;
        mm.accesses += accessed;
        if (task != null) {
            task.taskClockNs += ns;
            task.pageFaults += df;
            task.accesses += accessed;
        }
    }

    /** {@code count} accesses of the pattern to the region, as {@code MachineOps.access} says, by the process or its thread. */
    public SyscallResult access(AddressSpace mm, Region r, AccessPattern p, long count, boolean write) {
        long machine = mmapLock.enter(mm);
        try {
            return run(mm, r, p, count, write);
        } finally {
            mmapLock.leave(mm, machine);
        }
    }

    private SyscallResult run(AddressSpace mm, Region r, AccessPattern p, long count, boolean write) {
        Task task = mm.current;
        long w0 = task == null ? 0 : task.readWaitNs;
        Mmu mmu = mmus.run(mm.id, task == null ? 0 : task.index);
        long[] before = new long[MmuEvent.values().length];
        mmu.addCounts(before);
        long t0 = clock.now();
        long f0 = stat.get(VmEvent.PGFAULT);
        Pattern next = pattern(p, r.size);
        int data = mmu.preset().memoryCycles();
        Mmu[] shadow = shadows.get(mm.id);
        if (shadow == null || shadow[0].preset() != mmu.preset()) {
            shadow = new Mmu[] {new Mmu(mmu.preset()), new Mmu(mmu.preset())};
            // While the CPU's MMU holds nothing yet, both shadows are in its state: each shares
            // its translations until the page size it sees or anything else tells them apart.
            mmu.twin(shadow[0]);
            mmu.twin(shadow[1]);
            shadows.put(mm.id, shadow);
        }
        Mmu allThp = shadow[0];
        Mmu all4k = shadow[1];
        mmu.detachAllBut(allThp, all4k); // another process's shadows must not follow this run
        long cycles = 0; // of this run, charged to the clock before each fault and at the end
        long charged = 0; // of those cycles' nanoseconds, charged so far
        SyscallResult res = SyscallResult.OK;
        long n = 0;
        try {
            for (; n < count; n++) {
                if ((n & (INTERRUPT_CHECK - 1)) == INTERRUPT_CHECK - 1 && Thread.currentThread().isInterrupted()) {
                    res = SyscallResult.fail(Errno.EINTR, String.format("%s made %d of %d accesses to region %s, then stopped",
                            mm.name, n, count, r.name));
                    break;
                }
                if ((n & (OBSERVE - 1)) == OBSERVE - 1 && clock.watching()) {
                    // A recording sees the time of the accesses so far (charging early changes no total).
                    long ns = mmu.nanos(cycles);
                    clock.charge(ns - charged);
                    charged = ns;
                    clock.observe();
                }
                long va = r.start + next.offset(n);
                int shift = faults.walk.hit(mm, r, va, write);
                if (shift == 0) {
                    // The MMU raises the fault before the access: time so far first, then the fault's.
                    long ns = mmu.nanos(cycles);
                    clock.charge(ns - charged);
                    charged = ns;
                    long page = va & -PAGE_SIZE;
                    res = faults.touch(mm, r, page, page + PAGE_SIZE, write);
                    if (!res.ok()) {
                        break;
                    }
                    shift = faults.walk.leafShift(mm, va);
                }
                mmu.detach(shift == Mmu.PMD_SHIFT ? all4k : allThp); // the shadow of the other page size parts
                int c = mmu.translateShared(mm.id, va, shift);
                cycles += c + data;
                mm.cyclesIfAllThp += mmu.shares(allThp) ? c : owedThp.add(allThp, mm.id, va, Mmu.PMD_SHIFT);
                mm.cyclesIfAll4k += mmu.shares(all4k) ? c : owed4k.add(all4k, mm.id, va, Mmu.PAGE_SHIFT);
            }
        } finally {
            // Whatever ends the run, the shadows are brought up to date with it.
            mm.cyclesIfAllThp += owedThp.drain(allThp, mm.id, Mmu.PMD_SHIFT);
            mm.cyclesIfAll4k += owed4k.drain(all4k, mm.id, Mmu.PAGE_SHIFT);
        }
        clock.charge(mmu.nanos(cycles) - charged);
        if (res.ok() || res.errno() != Errno.SIGKILL) {
            long[] after = new long[before.length];
            mmu.addCounts(after);
            if (mm.mmuEvents == null) {
                mm.mmuEvents = new long[before.length];
            }
            if (task != null && task.mmuEvents == null) {
                task.mmuEvents = new long[before.length];
            }
            for (int e = 0; e < after.length; e++) {
                mm.mmuEvents[e] += after[e] - before[e];
                if (task != null) {
                    task.mmuEvents[e] += after[e] - before[e];
                }
            }
        }
        ran(mm, task, t0, w0, f0, n);
        return res;
    }

    /** The byte offset in the region of the n-th access of a run. */
    @FunctionalInterface
    private interface Pattern {
        long offset(long n);
    }

    private Pattern pattern(AccessPattern p, long size) {
        long pages = size / PAGE_SIZE;
        switch (p.kind()) {
            case SEQ -> {
                return n -> (n % pages) * PAGE_SIZE;
            }
            case STRIDE -> {
                // The runs call offset(0), offset(1), ... in order: the offset is carried, not multiplied.
                long step = p.stride() % size;
                long[] at = {0};
                return n -> {
                    long o = at[0];
                    at[0] = o + step >= size ? o + step - size : o + step;
                    return o;
                };
            }
            case UNIFORM -> {
                return n -> random.nextLong(pages) * PAGE_SIZE;
            }
            case ZIPF -> {
                if (pages > Integer.MAX_VALUE) {
                    throw new MmUsageException("access: zipf draws from at most 2^31-1 pages, and the region has " + pages);
                }
                SharedStateDiscreteSampler zipf = RejectionInversionZipfSampler.of(rng, (int) pages, p.theta());
                long scramble = SCRAMBLE % pages;
                return n -> (zipf.sample() - 1L) * scramble % pages * PAGE_SIZE;
            }
            case HOTSET -> {
                long hot = Math.max(1, (long) (pages * p.hotFraction()));
                long cold = pages - hot;
                double prob = p.hotProbability();
                return n -> (cold == 0 || random.nextDouble() < prob ? random.nextLong(hot) : hot + random.nextLong(cold))
                        * PAGE_SIZE;
            }
            default -> throw new IllegalStateException(p.kind().name());
        }
    }

    /** The process exited: its shadow MMUs go. */
    public void exited(AddressSpace mm) {
        shadows.remove(mm.id);
    }

    /** What perf stat shows for the process. */
    public PerfStat perfStat(AddressSpace mm) {
        MmuPreset preset = mmus.cpu(mmus.cpuOf(mm.id)).preset();
        Task t = mm.current;
        long[] own = t == null ? mm.mmuEvents : t.mmuEvents;
        long[] ev = own == null ? new long[MmuEvent.values().length] : own;
        Map<String, Long> events = new LinkedHashMap<>();
        events.put("dTLB-loads", ev[MmuEvent.generic(preset.vendor(), "dTLB-loads").ordinal()]);
        events.put("dTLB-load-misses", ev[MmuEvent.generic(preset.vendor(), "dTLB-load-misses").ordinal()]);
        for (MmuEvent e : MmuEvent.values()) {
            events.put(e.perfName(), ev[e.ordinal()]);
        }
        if (t != null) {
            // A thread's own: its sleeps on the mmap lock, as perf's lock:contention_begin would count them.
            events.put("thplab.mmap_lock.read_waits", t.readWaits);
            events.put("thplab.mmap_lock.read_wait_ns", t.readWaitNs);
            events.put("thplab.mmap_lock.read_wait_max_ns", t.readWaitMaxNs);
            return new PerfStat(mm.name + "/" + t.name, t.taskClockNs, t.accesses, t.pageFaults, events, t.clock - t.startNs);
        }
        events.put("thplab.translation_cycles.if_all_thp", mm.cyclesIfAllThp);
        events.put("thplab.translation_cycles.if_all_4k", mm.cyclesIfAll4k);
        return new PerfStat(mm.name, mm.taskClockNs, mm.accesses, mm.pageFaults, events, clock.now() - mm.startNs);
    }
}
