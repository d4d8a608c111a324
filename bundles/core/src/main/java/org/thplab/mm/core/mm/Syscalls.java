package org.thplab.mm.core.mm;

import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.core.alloc.Allocator;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.PerfStat;
import org.thplab.mm.core.fault.Accesses;
import org.thplab.mm.core.mmu.Mmus;
import org.thplab.mm.core.mmu.TlbFlushEvent;
import org.thplab.mm.core.vma.MmapLock;
import org.thplab.mm.core.folio.ForkCopy;
import org.thplab.mm.core.folio.HugeSplit;
import org.thplab.mm.core.folio.PageTables;
import org.thplab.mm.core.folio.Zap;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.kernel.Overcommit;
import org.thplab.mm.core.oom.KernelLog;
import org.thplab.mm.core.oom.OomKiller;
import org.thplab.mm.core.oom.Reaper;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.promote.MadviseCollapse;
import org.thplab.mm.core.promote.Migrations;
import org.thplab.mm.core.reclaim.SwapOut;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Family;
import org.thplab.mm.core.vma.MmSlots;
import org.thplab.mm.core.vma.Region;
import org.thplab.mm.core.vma.Tasks;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.alloc.AllocPurpose;

/**
 * The process-level system calls on address spaces: fork/exit (with the OOM killer's kill),
 * mmap, munmap, madvise with VMA splitting and merging, and touch. Arguments arrive validated
 * and resolved ({@link Args}); bad user input never gets here.
 */
final class Syscalls implements Reaper {
    private final Clock clock;
    private final Tasks tasks;
    private final MmSlots slots;
    private final Allocator allocator;
    private final PageTables tables;
    private final HugeSplit split;
    private final Zap zap;
    private final ForkCopy forkCopy;
    private final Reservations reservations;
    private final Migrations migrations;
    private final SwapOut swapOut;
    private final MadviseCollapse madvCollapse;
    private final Mmus mmus;
    private final Frames f;
    private final Overcommit overcommit;
    private Accesses accesses;
    private OomKiller oom;
    private KernelLog.Ratelimited vmEnoughMemoryWarn;

    Syscalls(Clock clock, Tasks tasks, MmSlots slots, Allocator allocator, PageTables tables, HugeSplit split, Zap zap,
            ForkCopy forkCopy, Reservations reservations, Migrations migrations, SwapOut swapOut,
            MadviseCollapse madvCollapse, Mmus mmus, Frames f, Overcommit overcommit) {
        this.clock = clock;
        this.overcommit = overcommit;
        this.f = f;
        this.mmus = mmus;
        this.tasks = tasks;
        this.slots = slots;
        this.allocator = allocator;
        this.tables = tables;
        this.split = split;
        this.zap = zap;
        this.forkCopy = forkCopy;
        this.reservations = reservations;
        this.migrations = migrations;
        this.swapOut = swapOut;
        this.madvCollapse = madvCollapse;
    }

    /** The access path (with the fault handler) and the OOM killer come after: the killer reaps through {@link #kill}. */
    void wire(Accesses accesses, OomKiller oom, KernelLog log) {
        this.accesses = accesses;
        this.oom = oom;
        this.vmEnoughMemoryWarn = log.new Ratelimited("__vm_enough_memory");
    }

    /** ENOMEM from __vm_enough_memory(), which warns (pr_warn_ratelimited()) with current's pid and comm. */
    private SyscallResult refused(AddressSpace current, String call, long pages) {
        vmEnoughMemoryWarn.printk("__vm_enough_memory: pid: " + current.id + ", comm: " + current.name + ", bytes: "
                + (pages << 12) + " not enough memory for the allocation");
        return SyscallResult.fail(Errno.ENOMEM, call + overcommit.refusal(pages));
    }

    void spawn(String name) {
        Family fam = new Family(tasks.families.size());
        tasks.families.add(fam);
        AddressSpace mm = new AddressSpace(name, tasks.nextId(), fam);
        mm.startNs = clock.now();
        fam.members.add(mm);
        tasks.procs.put(name, mm);
        tasks.mms.put(mm.id, mm);
    }

    SyscallResult mmap(AddressSpace mm, String name, long size) {
        long start = mm.nextMmap;
        long end = start + size;
        if ((end >>> 12) >= Integer.MAX_VALUE) {
            throw new MmUsageException("mmap: address space of '" + mm.name + "' exhausted");
        }
        // __mmap_region(): private, writable, anonymous is accountable_mapping(), so VM_ACCOUNT,
        // charged before the VMA exists; a refusal is ENOMEM with nothing mapped.
        if (!overcommit.vmEnoughMemory(mm.totalVm(), size >> 12)) {
            return refused(mm, "mmap: ", size >> 12);
        }
        mm.nextMmap = ((end + PMD_SIZE - 1) & ~(PMD_SIZE - 1)) + AddressSpace.GAP;
        Region r = new Region(name, start, size);
        mm.regions.put(name, r);
        Vma v = new Vma(start, end, 0, r);
        mm.vmas.add(v);
        mm.vmas.sort((a, b) -> Long.compare(a.start, b.start));
        // mmap_region() registers the mm with khugepaged when THP is allowed there.
        slots.enterVma(mm, v);
        return SyscallResult.OK;
    }

    /** Unmaps [from, to) of the region: its reservations, pages and page tables go. */
    void munmap(AddressSpace mm, Region r, long from, long to) {
        mmus.run(mm.id);
        splitVmaAt(mm, from);
        splitVmaAt(mm, to);
        reservations.releaseRange(mm, from, to);
        // unmap_vmas(): one VMA at a time, so a THP two VMAs map is partially mapped in between.
        for (Vma v : mm.overlapping(from, to)) {
            zap.zapRange(mm, Math.max(v.start, from), Math.min(v.end, to));
        }
        long accounted = mm.totalVm();
        mm.updateHiwaterVm(); // do_vmi_align_munmap()
        mm.removeRange(from, to);
        overcommit.unacct(accounted - mm.totalVm()); // vms_complete_munmap_vmas(): the VM_ACCOUNT pages unmapped
        tables.freeEmptyTables(mm, from, to);
        r.discard(from, to);
        boolean any = false;
        for (Vma v : mm.vmas) {
            any |= v.region == r;
        }
        if (!any) {
            mm.regions.remove(r.name);
        }
    }

    /** __split_vma() at {@code addr}; a huge PMD straddling the new boundary is split first (vma_adjust_trans_huge). */
    private void splitVmaAt(AddressSpace mm, long addr) {
        if ((addr & (PMD_SIZE - 1)) != 0 && mm.find(addr) != null && mm.find(addr).start != addr) {
            PmdTable t = mm.pt.lookup(addr);
            int i = PageTable.pmdIndex(addr);
            if (t != null && t.pte[i] == null && t.pmd[i] != 0) {
                split.splitHugePmd(mm, t, i, addr & ~(PMD_SIZE - 1));
            }
        }
        mm.splitAt(addr);
    }

    SyscallResult madvise(AddressSpace mm, Region r, long from, long to, Advice advice) {
        mmus.run(mm.id);
        boolean hole = holes(mm, from, to);
        switch (advice) {
            case HUGEPAGE, NOHUGEPAGE -> {
                // madvise_update_vma(): a VMA whose flags stay as they are is not split
                int flags = advice == Advice.HUGEPAGE ? Vma.VM_HUGEPAGE : Vma.VM_NOHUGEPAGE;
                for (long b : new long[] {from, to}) {
                    Vma at = mm.find(b);
                    if (at != null && at.flags != flags) {
                        splitVmaAt(mm, b);
                    }
                }
                for (Vma v : mm.overlapping(from, to)) {
                    // hugepage_madvise(): each flag clears the other.
                    v.flags = advice == Advice.HUGEPAGE ? Vma.VM_HUGEPAGE : Vma.VM_NOHUGEPAGE;
                }
                mm.mergeAdjacent();
                if (advice == Advice.HUGEPAGE) {
                    // hugepage_madvise() -> khugepaged_enter_vma()
                    for (Vma v : mm.overlapping(from, to)) {
                        slots.enterVma(mm, v);
                    }
                }
            }
            case DONTNEED -> {
                for (Vma v : mm.overlapping(from, to)) {
                    long s = Math.max(v.start, from);
                    long e = Math.min(v.end, to);
                    reservations.releaseRange(mm, s, e);
                    zap.zapRange(mm, s, e, true);
                    r.discard(s, e);
                }
            }
            case PAGEOUT -> {
                // madvise_walk_vmas(): VMA by VMA, so a THP two VMAs map is never covered whole
                // by one walk; the parts around a hole are paged out, then ENOMEM.
                for (Vma v : mm.overlapping(from, to)) {
                    swapOut.pageout(mm, Math.max(v.start, from), Math.min(v.end, to));
                }
            }
            case COLLAPSE -> {
                // madvise_walk_vmas(): the promoter collapses VMA by VMA and stops at the first
                // error, which is the answer; a hole only makes a call that succeeded ENOMEM.
                SyscallResult res = madvCollapse.collapse(mm.id, from, to);
                return res.ok() && hole ? SyscallResult.fail(Errno.ENOMEM, "part of the range is not mapped") : res;
            }
            default -> throw new IllegalStateException();
        }
        if (hole) {
            return SyscallResult.fail(Errno.ENOMEM, "part of the range is not mapped");
        }
        return SyscallResult.OK;
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

    SyscallResult touch(AddressSpace mm, Region r, long from, long to, boolean write) {
        return accesses.touch(mm, r, from, to, write);
    }

    SyscallResult access(AddressSpace mm, Region r, AccessPattern p, long count, boolean write) {
        return accesses.access(mm, r, p, count, write);
    }

    PerfStat perfStat(AddressSpace mm) {
        return accesses.perfStat(mm);
    }

    /**
     * fork(): dup_mmap() and copy_page_range(). When the child's page tables cannot be had the
     * OOM killer runs and the fork is tried again; it fails only when the parent itself is killed
     * (SIGKILL) or no process is left to kill (ENOMEM).
     */
    SyscallResult fork(AddressSpace p, String child) {
        mmus.run(p.id); // the parent forks on its CPU
        int id = tasks.nextId(); // one pid, however often the copy is retried
        while (true) {
            long failures = allocator.order0Failures();
            SyscallResult r = tryFork(p, child, id);
            if (r != null) {
                return r;
            }
            if (allocator.order0Failures() == failures) {
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
        // dup_mmap(): each VM_ACCOUNT VMA is charged for the child, checked against the parent's
        // mm, before it is copied; a refusal fails the fork with ENOMEM, the charges taken back.
        long refused = overcommit.chargeFork(p);
        if (refused > 0) {
            return refused(p, "fork: ", refused);
        }
        AddressSpace c = new AddressSpace(child, id, p.family);
        c.startNs = clock.now();
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
            cv.anonVma = v.anonVma; // anon_vma_fork(): a new anon_vma for each VMA that has one
            cv.anonVmaId = v.anonVma ? c.newAnonVma() : 0;
            c.vmas.add(cv);
        }
        p.family.members.add(c);
        tasks.procs.put(child, c);
        tasks.mms.put(c.id, c);
        if (!forkCopy.copyPageTables(p, c)) {
            teardown(c); // before khugepaged knows the child: nothing lingers on its list
            return null;
        }
        if (p.khugepaged) {
            slots.register(c); // khugepaged_fork(); a failed fork's khugepaged_exit() removes it at once
        }
        // The parent's PTEs were write-protected: dup_mmap() ends with flush_tlb_mm(oldmm).
        clock.charge(CostModel.TLB_FLUSH);
        mmus.flushTlbMm(mmus.cpuOf(p.id), p.id);
        return SyscallResult.OK;
    }

    void exit(AddressSpace mm) {
        teardown(mm);
    }

    /** The OOM killer's kill: the victim exits and its memory is reaped (oom_reap_task_mm, exit_mmap). */
    @Override
    public void kill(AddressSpace victim) {
        if (migrations.any()) {
            migrations.abandon(victim);
        }
        teardown(victim);
    }

    private void teardown(AddressSpace mm) {
        // exit_mmap()'s fullmm gather ends in one flush of everything; then no CPU runs the mm,
        // and the zaps below have nothing left to flush.
        mmus.flushTlbMm(mmus.current(), mm.id);
        mmus.release(mm.id);
        accesses.exited(mm);
        reservations.releaseRange(mm, 0, Long.MAX_VALUE);
        overcommit.unacct(mm.totalVm()); // exit_mmap(): vm_unacct_memory(nr_accounted)
        for (Vma v : new ArrayList<>(mm.vmas)) {
            zap.zapRange(mm, v.start, v.end);
        }
        long lo = AddressSpace.MMAP_BASE;
        mm.vmas.clear();
        tables.freeEmptyTables(mm, lo, mm.nextMmap);
        mm.family.members.remove(mm);
        tasks.procs.remove(mm.name);
        mm.dead = true;
        // exit_mmap() frees the page tables; the content oracle goes with the process. An mm
        // left on khugepaged's list until its scan collects it keeps only its name and id.
        mm.regions.clear();
        mm.pt.clear();
        if (!mm.khugepaged) {
            tasks.mms.remove(mm.id); // else it stays on khugepaged's list until collected
        }
    }

    /**
     * Marks the frame mapped at {@code va} as having an uncorrectable memory error (madvise
     * MADV_HWPOISON's effect, latent): the process still reads its data; only a machine-check-safe
     * copy (collapse) fails on it, and rolls back. Once its folio is freed the frame is out of use
     * for good, as memory_failure() leaves a PG_hwpoison page; meminfo counts it as HardwareCorrupted.
     */
    void poison(AddressSpace mm, long va, long off, String region) {
        int pfn = mm.mappedFrame(va);
        if (pfn < 0) {
            throw new MmUsageException("poison: no page is mapped at offset " + off + " of region '" + region + "'");
        }
        f.hwpoison.set(pfn);
    }

    /** @return statistics beyond /proc/vmstat */
    Map<String, Long> stat(MmapLock mmapLock) {
        Map<String, Long> s = new LinkedHashMap<>();
        s.put("time_ns", clock.now());
        s.put("mmap_lock_write_ns", mmapLock.writeNs);
        s.put("mmap_lock_write_acquisitions", mmapLock.writeAcquisitions);
        s.put("mmap_lock_write_max_ns", mmapLock.writeMaxNs);
        s.put("last_madv_collapse_ns", madvCollapse.lastNs);
        s.put("last_madv_collapse_lock_write_ns", madvCollapse.lastHoldNs);
        s.put("last_madv_collapse_lock_acquisitions", madvCollapse.lastAcquisitions);
        s.put("khugepaged_mm_slots", (long) slots.slots.size());
        s.put("migration_entry_waits", migrations.waits);
        s.put("migration_entry_wait_ns", migrations.waitNs);
        // The TLB-flush counters of a CONFIG_DEBUG_TLBFLUSH kernel's /proc/vmstat (not in this
        // vmstat: the kernels compared with have none), and /proc/interrupts' TLB shootdowns.
        for (TlbFlushEvent e : TlbFlushEvent.values()) {
            s.put(e == TlbFlushEvent.TLB_SHOOTDOWNS ? "tlb_shootdowns" : e.procName(), mmus.count(e));
        }
        return s;
    }

    /** Advances time by {@code nanos}, running the daemons that come due. */
    void tick(long nanos) {
        // An interrupted thread (Ctrl-C in the shell) stops before the next event that comes due.
        mmus.kthread(); // the events are the kernel's threads
        clock.runUntil(clock.now() + nanos, Thread.currentThread()::isInterrupted);
    }
}
