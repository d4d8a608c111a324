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
 * Base-page (4 KiB) anonymous write faults on fresh memory, {@code enabled=never}.
 *
 * <p>A 4 GiB machine is booted per iteration. Each invocation writes every page of a fresh,
 * never-touched 1 GiB region with one {@code touch}: 262,144 faults, each allocating a zeroed
 * frame and installing its PTE (and a PTE table every 512 faults). The region is mapped before
 * and unmapped after each invocation ({@code Level.Invocation} fixtures, not timed). One op is
 * one fault: the score is simulated base-page faults per second of wall time, to be compared
 * with the real kernel's rate from {@code benchmarks/kernel-faults}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"-XX:CompileCommand=quiet", PolicyGuard.JIT_OPTION}, jvmArgsAppend = {"-Xmx4g"})
public class BaseFaultBench {
    static final long MACHINE = 4 * Sim.GIB;
    static final long TOUCH = 1 * Sim.GIB;
    static final int FAULTS = (int) (TOUCH / Sim.PAGE);

    private MachineOps rt;
    private FreshRegions regions;
    private SyscallResult last;
    private long invocations;
    private long faults0;

    @Setup(Level.Iteration)
    public void boot() {
        rt = Sim.boot(MACHINE, "never");
        regions = new FreshRegions(rt, TOUCH);
        invocations = 0;
        faults0 = Sim.vmstat(rt, "pgfault");
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
        Sim.expect("base-page faults", invocations * FAULTS, Sim.vmstat(rt, "pgfault") - faults0);
        Sim.expect("THP faults", 0, Sim.vmstat(rt, "thp_fault_alloc"));
    }
}
