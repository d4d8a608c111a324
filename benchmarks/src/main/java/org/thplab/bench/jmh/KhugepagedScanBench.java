package org.thplab.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.spi.Policies;

/**
 * One khugepaged scan of one PMD range of base pages that it then does not collapse.
 *
 * <p>Setup (once per trial): a 1 GiB machine with {@code enabled=madvise}; one 2 MiB region
 * whose first 511 pages are written (base pages: no VM_HUGEPAGE yet at fault time) and the
 * last left empty; then MADV_HUGEPAGE, which registers the mm with khugepaged. Knobs:
 * {@code khugepaged/max_ptes_none=0}, so the empty PTE fails the range
 * (SCAN_EXCEED_NONE_PTE) only after all 512 PTEs have been examined, and
 * {@code khugepaged/pages_to_scan=512}, so each wake scans exactly this one PMD; the
 * reservation promoter, which would wake on the same period, is disabled.
 *
 * <p>One op is one {@code tick(scan_sleep_millisecs)} through the public API: the runtime's
 * per-operation overhead, the one khugepaged wake it makes due (khugepaged_do_scan() and
 * khugepaged_scan_mm_slot()) and the one hpage_collapse_scan_pmd() of 512 PTEs in it, with its
 * tracepoint line built (tracing is off). Nothing changes, so every op scans the same range; the
 * iteration's teardown checks that each op counted exactly one thp_scan_exceed_none_pte and no
 * collapse.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"-XX:CompileCommand=quiet", PolicyGuard.JIT_OPTION}, jvmArgsAppend = {"-Xmx1g"})
public class KhugepagedScanBench {
    static final long MACHINE = 1 * Sim.GIB;
    static final String PROC = "bench";
    static final String REGION = "r";

    private MachineOps rt;
    private long sleepNanos;
    private long ops;
    private long scans0;

    @Setup(Level.Trial)
    public void populate() {
        SimulatedMachine machine = Sim.machine(MACHINE, "madvise");
        rt = machine.ops();
        rt.sysfs("khugepaged/max_ptes_none", "0");
        rt.sysfs("khugepaged/pages_to_scan", "512");
        machine.policyAdmin().usePolicy(Policies.KIND_PROMOTION, "-reservation");
        rt.spawn(PROC);
        rt.mmap(PROC, REGION, Sim.PMD);
        if (!rt.touch(PROC, REGION, 0, Sim.PMD - Sim.PAGE, true).ok()
                || !rt.madvise(PROC, REGION, 0, Sim.PMD, Advice.HUGEPAGE).ok()) {
            throw new IllegalStateException("setup failed");
        }
        sleepNanos = rt.tunables().number("khugepaged/scan_sleep_millisecs") * 1_000_000L;
        long before = Sim.vmstat(rt, "thp_scan_exceed_none_pte");
        rt.tick(sleepNanos);
        Sim.expect("PMD scans in the first tick", 1, Sim.vmstat(rt, "thp_scan_exceed_none_pte") - before);
    }

    @Setup(Level.Iteration)
    public void start() {
        ops = 0;
        scans0 = Sim.vmstat(rt, "thp_scan_exceed_none_pte");
    }

    @Benchmark
    public void scanOnePmd() {
        rt.tick(sleepNanos);
        ops++;
    }

    @TearDown(Level.Iteration)
    public void check() {
        Sim.expect("PMD scans", ops, Sim.vmstat(rt, "thp_scan_exceed_none_pte") - scans0);
        Sim.expect("collapses", 0, Sim.vmstat(rt, "thp_collapse_alloc"));
    }
}
