package org.thplab.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.core.policy.PolicyGuard;

/**
 * THP (2 MiB) anonymous write faults on fresh PMD-aligned memory, {@code enabled=always}
 * (defrag at its default, madvise: no direct compaction, none needed on a fresh machine).
 *
 * <p>A 4 GiB machine is booted per iteration. Each invocation writes a fresh, never-touched,
 * 2 MiB-aligned 1 GiB region with one {@code touch}: 512 THP faults, each allocating an order-9
 * block, zeroing it (simulated) and installing a PMD; the touch then writes the other 511 pages
 * of each 2 MiB through that PMD without faulting. The region is mapped before and unmapped
 * after each invocation ({@code Level.Invocation} fixtures, not timed). One op is one THP fault
 * together with the writes of the 2 MiB it maps: the score is THP faults per second of wall
 * time, to be compared with {@code benchmarks/kernel-faults 1G thp}, which also writes every
 * 4 KiB page. {@link #faultOnePage} writes only the first page of each 2 MiB (512 touches of
 * 4 KiB): one op is the THP fault alone, as a program that touches one byte per huge page sees it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"-XX:CompileCommand=quiet", PolicyGuard.JIT_OPTION}, jvmArgsAppend = {"-Xmx4g"})
public class ThpFaultBench {
    static final long MACHINE = 4 * Sim.GIB;
    static final long TOUCH = 1 * Sim.GIB;
    static final int FAULTS = (int) (TOUCH / Sim.PMD);

    private MachineOps rt;
    private FreshRegions regions;
    private SyscallResult last;
    private long invocations;
    private long faults0;

    @Setup(Level.Iteration)
    public void boot() {
        rt = Sim.boot(MACHINE, "always");
        regions = new FreshRegions(rt, TOUCH);
        invocations = 0;
        faults0 = Sim.vmstat(rt, "thp_fault_alloc");
    }

    @Setup(Level.Invocation)
    public void map() {
        regions.map();
    }

    @Benchmark
    @OperationsPerInvocation(FAULTS)
    public SyscallResult fault() {
        return last = rt.touch(regions.proc(), FreshRegions.REGION, 0, TOUCH, true);
    }

    @Benchmark
    @OperationsPerInvocation(FAULTS)
    public SyscallResult faultOnePage() {
        return last = regions.touchOnePagePerPmd();
    }

    @TearDown(Level.Invocation)
    public void unmap() {
        if (!last.ok()) {
            throw new IllegalStateException("touch failed: " + last);
        }
        invocations++;
        regions.unmap();
    }

    @TearDown(Level.Iteration)
    public void check() {
        Sim.expect("THP faults", invocations * FAULTS, Sim.vmstat(rt, "thp_fault_alloc") - faults0);
        Sim.expect("THP fault fallbacks", 0, Sim.vmstat(rt, "thp_fault_fallback"));
    }
}
