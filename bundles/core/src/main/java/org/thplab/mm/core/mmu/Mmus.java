package org.thplab.mm.core.mmu;

import java.util.HashMap;
import java.util.Map;

/**
 * The CPUs of one machine, each with its {@link Mmu}, and the TLB-flush protocol between them as
 * x86 Linux runs it without INVLPGB (arch/x86/mm/tlb.c, Linux 6.18; this box's KVM guest has no
 * INVLPGB): each mm's mm_cpumask and tlb_gen, each CPU's loaded mm, lazy-TLB state and six
 * dynamic ASID slots (cpu_tlbstate.ctxs, TLB_NR_DYN_ASIDS), and the counters of
 * {@link TlbFlushEvent} counted where the kernel counts them. One operation at a time, as the
 * simulator runs: no flush races another, so the tlb_gen checks of flush_tlb_func() see
 * sequential histories only, and no CPU is ever LOADED_MM_SWITCHING.
 *
 * <p>Address spaces are mm ids (≥ 0) and tag the entries of every {@link Mmu}; {@link #INIT_MM} is
 * the kernel's init_mm, which a CPU runs between user mms and holds no user entries.
 */
public final class Mmus {
    public static final int INIT_MM = -1;
    /** arch/x86/include/asm/tlbflush.h. */
    public static final int TLB_NR_DYN_ASIDS = 6;
    /** should_trim_cpumask(): at most once per HZ jiffies, one second. */
    public static final long TRIM_INTERVAL_NANOS = 1_000_000_000L;
    private static final int NO_MM = Integer.MIN_VALUE; // an empty ASID slot (ctx_id 0); also "no mm" in a flush
    private static final long TLB_GENERATION_INVALID = 0;

    private Mmu[] mmus;
    private int[] loadedMm;
    private int[] loadedSlot;
    private boolean[] lazy;
    private int[][] slotMm;
    private long[][] slotGen;
    private int[] nextAsid;
    private long[][] events;
    /** Looked up, never iterated: nothing depends on its order. */
    private final Map<Integer, Context> contexts = new HashMap<>();
    /** The current task's arch_tlbflush_unmap_batch (try_to_unmap_one() and try_to_migrate_one() add to it). */
    private long batchMask;
    /** The CPU the code running now runs on: the process's (run()), or a kernel thread's (kthread()). */
    private int current;
    private long now;

    /** mm->context: its CPUs, its TLB generation and when its cpumask is next trimmed. */
    private static final class Context {
        long cpumask;
        long tlbGen;
        long nextTrim;
    }

    /** What flush_tlb_func() is asked to do (struct flush_tlb_info). */
    private record Info(int mm, long start, long end, int strideShift, boolean freedTables, long newTlbGen, int initiator, boolean trimCpumask) {
    }

    /** {@code cpus} CPUs (1 to 64) with the MMU of {@code preset}, each running init_mm in ASID slot 0. */
    public Mmus(MmuPreset preset, int cpus) {
        init(preset, cpus);
    }

    /** New MMUs (empty TLBs) running init_mm, no mm context; flush counts kept (a CPU gone's go to CPU 0). */
    public void reconfigure(MmuPreset preset, int cpus) {
        long[][] old = events;
        init(preset, cpus);
        for (int c = 0; c < old.length; c++) {
            for (int e = 0; e < old[c].length; e++) {
                events[c < cpus ? c : 0][e] += old[c][e];
            }
        }
    }

    private void init(MmuPreset preset, int cpus) {
        contexts.clear();
        batchMask = 0;
        current = 0;
        if (cpus < 1 || cpus > 64) {
            throw new IllegalArgumentException("1 to 64 CPUs, not " + cpus);
        }
        mmus = new Mmu[cpus];
        loadedMm = new int[cpus];
        loadedSlot = new int[cpus];
        lazy = new boolean[cpus];
        slotMm = new int[cpus][TLB_NR_DYN_ASIDS];
        slotGen = new long[cpus][TLB_NR_DYN_ASIDS];
        nextAsid = new int[cpus];
        events = new long[cpus][TlbFlushEvent.values().length];
        for (int c = 0; c < cpus; c++) {
            mmus[c] = new Mmu(preset);
            loadedMm[c] = INIT_MM; // initialize_tlbstate_and_flush(): slot 0, next_asid 1
            java.util.Arrays.fill(slotMm[c], NO_MM);
            slotMm[c][0] = INIT_MM;
            nextAsid[c] = 1;
        }
    }

    /** @return the CPU that runs address space {@code mm}: round-robin by id (the first process, id 1, on CPU 0) */
    public int cpuOf(int mm) {
        return Math.floorMod(mm - 1, mmus.length);
    }

    /** {@code mm} runs on its CPU now: switch_mm_irqs_off() unless it already did, not lazily. @return that CPU's MMU */
    public Mmu run(int mm) {
        return run(mm, 0);
    }

    /** Thread {@code thread} of {@code mm} (0: its process's own task) runs now on the CPU its index after its process's. */
    public Mmu run(int mm, int thread) {
        int cpu = current = Math.floorMod(cpuOf(mm) + thread, mmus.length); // it joins mm_cpumask(mm)
        if (loadedMm[cpu] != mm || lazy[cpu]) {
            switchMm(cpu, mm);
        }
        return mmus[cpu];
    }

    /** A kernel thread (the clock's events: kswapd, khugepaged, ...) runs now on CPU 0, its mm kept lazily. */
    public void kthread() {
        current = 0;
        enterLazy(0);
    }

    /** @return the CPU the code running now runs on, which initiates the flushes it makes */
    public int current() {
        return current;
    }

    /** The mm exits: every CPU running it switches to init_mm, then {@link #exitMm} forgets it. */
    public void release(int mm) {
        for (int cpu = 0; cpu < mmus.length; cpu++) {
            if (loadedMm[cpu] == mm) {
                switchMm(cpu, INIT_MM);
            }
        }
        exitMm(mm);
    }

    public int cpus() {
        return mmus.length;
    }
    public Mmu cpu(int cpu) {
        return mmus[cpu];
    }

    /** Sets the simulated time, which paces the trimming of mm_cpumask (should_trim_cpumask()). */
    public void setTime(long nanos) {
        now = nanos;
    }

    /** @return mm_cpumask(mm): bit n for CPU n */
    public long cpumask(int mm) {
        Context c = contexts.get(mm);
        return c == null ? 0 : c.cpumask;
    }

    /** @return CPU {@code cpu}'s count of {@code e} */
    public long count(int cpu, TlbFlushEvent e) {
        return events[cpu][e.ordinal()];
    }

    /** @return the sum over the CPUs, as /proc/vmstat shows it */
    public long count(TlbFlushEvent e) {
        long n = 0;
        for (long[] cpu : events) {
            n += cpu[e.ordinal()];
        }
        return n;
    }

    private Context context(int mm) {
        return contexts.computeIfAbsent(mm, k -> {
            Context c = new Context();
            c.nextTrim = now + TRIM_INTERVAL_NANOS; // init_new_context(): jiffies + HZ
            return c;
        });
    }

    private void count(int cpu, TlbFlushEvent e, long n) {
        events[cpu][e.ordinal()] += n;
    }

    /** enter_lazy_tlb(): {@code cpu} runs a kernel thread and keeps its mm loaded, lazily. */
    public void enterLazy(int cpu) {
        if (loadedMm[cpu] != INIT_MM) {
            lazy[cpu] = true;
        }
    }

    /**
     * switch_mm_irqs_off(): {@code cpu} runs {@code next} (an mm id, or {@link #INIT_MM}). The CPU
     * joins next's mm_cpumask and stays in the previous mm's (6.x no longer clears it there: a
     * later flush does); no flush unless the ASID slot is stale or newly taken (choose_new_asid()).
     */
    public void switchMm(int cpu, int next) {
        int prev = loadedMm[cpu];
        boolean wasLazy = lazy[cpu];
        lazy[cpu] = false;
        int slot;
        long nextGen;
        boolean needFlush;
        if (prev == next) {
            if (!wasLazy || next == INIT_MM) {
                return;
            }
            nextGen = context(next).tlbGen;
            if (slotGen[cpu][loadedSlot[cpu]] == nextGen) {
                return;
            }
            slot = loadedSlot[cpu]; // the TLB went out of date while lazy
            needFlush = true;
        } else {
            nextGen = next == INIT_MM ? 0 : context(next).tlbGen;
            if (next != INIT_MM) {
                context(next).cpumask |= 1L << cpu;
            }
            slot = -1;
            for (int s = 0; s < TLB_NR_DYN_ASIDS; s++) {
                if (slotMm[cpu][s] == next) {
                    slot = s;
                }
            }
            if (slot >= 0) {
                needFlush = slotGen[cpu][slot] < nextGen;
            } else {
                slot = nextAsid[cpu]++;
                if (slot >= TLB_NR_DYN_ASIDS) {
                    slot = 0;
                    nextAsid[cpu] = 1;
                }
                needFlush = true;
            }
        }
        if (needFlush) {
            // The CR3 write without NOFLUSH empties the PCID: the entries of the mm that held the
            // slot before, and any of next's own.
            int old = slotMm[cpu][slot];
            if (old != next && old >= 0) {
                mmus[cpu].flushTlbMm(old);
            }
            if (next >= 0) {
                mmus[cpu].flushTlbMm(next);
            }
            slotMm[cpu][slot] = next;
            slotGen[cpu][slot] = nextGen;
        }
        loadedMm[cpu] = next;
        loadedSlot[cpu] = slot;
    }

    /** flush_tlb_page(vma, va): flush_tlb_mm_range(mm, va, va + PAGE_SIZE, PAGE_SHIFT, false). */
    public void flushTlbPage(int cpu, int mm, long va) {
        flushTlbMmRange(cpu, mm, va, va + (1L << Mmu.PAGE_SHIFT), Mmu.PAGE_SHIFT, false);
    }

    /**
     * flush_tlb_range(vma, start, end) of a non-hugetlb VMA: PAGE_SHIFT strides and
     * freed_tables, as "x86/mm: Fix flush_tlb_range() when used for zapping normal PMDs" has it.
     * flush_pmd_tlb_range() of one THP (pmdp_invalidate(), pmdp_collapse_flush()) is this over
     * 2 MiB: 512 strides, a full flush.
     */
    public void flushTlbRange(int cpu, int mm, long start, long end) {
        flushTlbMmRange(cpu, mm, start, end, Mmu.PAGE_SHIFT, true);
    }

    /** flush_tlb_mm(mm): flush_tlb_mm_range(mm, 0, TLB_FLUSH_ALL, 0, true). */
    public void flushTlbMm(int cpu, int mm) {
        flushTlbMmRange(cpu, mm, 0, Mmu.TLB_FLUSH_ALL, 0, true);
    }

    /**
     * flush_tlb_mm_range() on {@code cpu}: the mm's generation moves on; the CPUs of its cpumask
     * are shot down if any other than {@code cpu} is there, else {@code cpu} flushes itself if it
     * runs the mm.
     *
     * @param strideShift PAGE_SHIFT or PMD_SHIFT (tlb_get_unmap_shift()); ignored for a full flush
     */
    public void flushTlbMmRange(int cpu, int mm, long start, long end, int strideShift, boolean freedTables) {
        Context c = contexts.get(mm);
        if (c == null) {
            return; // never run on any CPU since it was made or since it exited: nothing to flush
        }
        long newGen = ++c.tlbGen; // inc_mm_tlb_gen()
        boolean all = end == Mmu.TLB_FLUSH_ALL || Mmu.isFullFlush(start, end, strideShift);
        long s = all ? 0 : start;
        long e = all ? Mmu.TLB_FLUSH_ALL : end;
        if ((c.cpumask & ~(1L << cpu)) != 0) {
            boolean trim = now > c.nextTrim; // should_trim_cpumask()
            if (trim) {
                c.nextTrim = now + TRIM_INTERVAL_NANOS;
            }
            flushTlbMulti(c.cpumask, new Info(mm, s, e, strideShift, freedTables, newGen, cpu, trim));
        } else if (loadedMm[cpu] == mm) {
            flushTlbFunc(cpu, new Info(mm, s, e, strideShift, freedTables, newGen, cpu, false));
        }
    }

    /**
     * arch_tlbbatch_add_pending(): a PTE of {@code mm} was cleared with its flush deferred
     * (should_defer_flush() in mm/rmap.c); the batch will shoot down the CPUs of its cpumask.
     */
    public void tlbbatchAddPending(int mm) {
        Context c = contexts.get(mm);
        if (c == null) {
            return;
        }
        c.tlbGen++;
        batchMask |= c.cpumask;
    }

    /** arch_tlbbatch_flush() on {@code cpu} (try_to_unmap_flush()): one full flush of the batch's CPUs, mm unnamed. */
    public void tlbbatchFlush(int cpu) {
        Info f = new Info(NO_MM, 0, Mmu.TLB_FLUSH_ALL, 0, false, TLB_GENERATION_INVALID, cpu, false);
        if ((batchMask & ~(1L << cpu)) != 0) {
            flushTlbMulti(batchMask, f);
        } else if ((batchMask & 1L << cpu) != 0) {
            flushTlbFunc(cpu, f);
        }
        batchMask = 0;
    }

    /** flush_tlb_all(): counted as a remote flush, and do_flush_tlb_all() on every CPU counts one received. */
    public void flushTlbAll(int cpu) {
        count(cpu, TlbFlushEvent.NR_TLB_REMOTE_FLUSH, 1);
        for (int c = 0; c < mmus.length; c++) {
            count(c, TlbFlushEvent.NR_TLB_REMOTE_FLUSH_RECEIVED, 1);
            mmus[c].flushTlbAll();
        }
    }

    /** The mm's id may go to another mm: its slots, context and entries go (a new mm gets a new ctx_id). */
    public void exitMm(int mm) {
        for (int cpu = 0; cpu < mmus.length; cpu++) {
            if (loadedMm[cpu] == mm) {
                throw new IllegalStateException("CPU " + cpu + " still runs mm " + mm);
            }
            for (int s = 0; s < TLB_NR_DYN_ASIDS; s++) {
                if (slotMm[cpu][s] == mm) {
                    slotMm[cpu][s] = NO_MM;
                }
            }
            mmus[cpu].flushTlbMm(mm);
        }
        contexts.remove(mm);
    }

    /** native_flush_tlb_multi(): counted once; then flush_tlb_func() on every CPU of the mask that should_flush_tlb(). */
    private void flushTlbMulti(long cpumask, Info f) {
        count(f.initiator, TlbFlushEvent.NR_TLB_REMOTE_FLUSH, 1);
        for (int cpu = 0; cpu < mmus.length; cpu++) {
            // With freed page tables every CPU of the mask, lazy ones too (on_each_cpu_mask()).
            if ((cpumask & 1L << cpu) != 0 && (f.freedTables || shouldFlushTlb(cpu, f))) {
                flushTlbFunc(cpu, f);
            }
        }
    }

    private boolean shouldFlushTlb(int cpu, Info f) {
        // A lazy CPU is flushed at its next context switch.
        return !lazy[cpu] && (f.mm == NO_MM || loadedMm[cpu] == f.mm || f.trimCpumask);
    }

    private void flushTlbFunc(int cpu, Info f) {
        boolean local = cpu == f.initiator;
        if (!local) {
            count(cpu, TlbFlushEvent.TLB_SHOOTDOWNS, 1);
            count(cpu, TlbFlushEvent.NR_TLB_REMOTE_FLUSH_RECEIVED, 1);
        }
        int loaded = loadedMm[cpu];
        if (f.mm != NO_MM && f.mm != loaded) {
            context(f.mm).cpumask &= ~(1L << cpu); // "The CPU was left in the mm_cpumask of the target mm. Clear it."
            return;
        }
        if (loaded == INIT_MM) {
            return;
        }
        if (lazy[cpu]) {
            switchMm(cpu, INIT_MM); // rather than flush the paging-structure caches
            return;
        }
        int slot = loadedSlot[cpu];
        long localGen = slotGen[cpu][slot];
        if (f.newTlbGen != TLB_GENERATION_INVALID && f.newTlbGen <= localGen) {
            return;
        }
        long mmGen = context(loaded).tlbGen;
        if (localGen == mmGen) {
            return;
        }
        if (f.end != Mmu.TLB_FLUSH_ALL && f.newTlbGen == localGen + 1 && f.newTlbGen == mmGen) {
            for (long a = f.start; a < f.end; a += 1L << f.strideShift) {
                mmus[cpu].flushTlbPage(loaded, a); // flush_tlb_one_user(): INVLPG
            }
            if (local) {
                count(cpu, TlbFlushEvent.NR_TLB_LOCAL_FLUSH_ONE, (f.end - f.start) >>> f.strideShift);
            }
        } else {
            mmus[cpu].flushTlbMm(loaded); // flush_tlb_local()
            if (local) {
                count(cpu, TlbFlushEvent.NR_TLB_LOCAL_FLUSH_ALL, 1);
            }
        }
        slotGen[cpu][slot] = mmGen;
    }
}
