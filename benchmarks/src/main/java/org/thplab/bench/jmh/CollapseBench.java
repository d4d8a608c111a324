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
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.core.policy.PolicyGuard;

/**
 * One copy collapse: MADV_COLLAPSE of one 2 MiB range mapped by 512 base pages.
 *
 * <p>A 1 GiB machine with {@code enabled=madvise} is booted per iteration. Before each op
 * ({@code Level.Invocation} setup, not timed) a fresh 2 MiB region is mapped and all its 512
 * pages written: base pages, as the region has no VM_HUGEPAGE. One op is one
 * {@code madvise(COLLAPSE)} of it through the public API (the madv-collapse promoter, batch 1,
 * as upstream): scan, allocate a THP, take the mmap lock for write, copy the 512 pages into it,
 * install the PMD and free the base pages. The region is unmapped after each op (not timed);
 * the iteration's teardown checks that every op collapsed one THP. An op takes tens of
 * microseconds, long enough for {@code Level.Invocation} fixtures not to distort it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2) // the JIT needs about 6 s here before the score settles
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"-XX:CompileCommand=quiet", PolicyGuard.JIT_OPTION}, jvmArgsAppend = {"-Xmx1g"})
public class CollapseBench {
    static final long MACHINE = 1 * Sim.GIB;

    private MachineOps rt;
    private FreshRegions regions;
    private SyscallResult last;
    private long ops;
    private long collapses0;

    @Setup(Level.Iteration)
    public void boot() {
        rt = Sim.boot(MACHINE, "madvise");
        regions = new FreshRegions(rt, Sim.PMD);
        ops = 0;
        collapses0 = Sim.vmstat(rt, "thp_collapse_alloc");
    }

    @Setup(Level.Invocation)
    public void populate() {
        regions.map();
        SyscallResult r = rt.touch(regions.proc(), FreshRegions.REGION, 0, Sim.PMD, true);
        if (!r.ok()) {
            throw new IllegalStateException("touch failed: " + r);
        }
    }

    @Benchmark
    public SyscallResult collapse() {
        return last = rt.madvise(regions.proc(), FreshRegions.REGION, 0, Sim.PMD, Advice.COLLAPSE);
    }

    @TearDown(Level.Invocation)
    public void unmap() {
        if (!last.ok()) {
            throw new IllegalStateException("MADV_COLLAPSE failed: " + last);
        }
        ops++;
        regions.unmap();
    }

    @TearDown(Level.Iteration)
    public void check() {
        Sim.expect("collapses", ops, Sim.vmstat(rt, "thp_collapse_alloc") - collapses0);
        Sim.expect("THP faults", 0, Sim.vmstat(rt, "thp_fault_alloc"));
    }
}
