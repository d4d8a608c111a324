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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.core.policy.PolicyGuard;

/**
 * The whole access path, as {@code access} runs it: a 64 GiB region, mapped whole beforehand with
 * base pages ({@code enabled=never}) or THPs ({@code always}), and uniform loads over it, each
 * drawn from the machine's seed, served by the page table and translated by the zen4 MMU (bare
 * metal). One op is one access; an invocation is one {@code access} call of {@link #BATCH}. The
 * iteration's teardown checks that every access was counted and none faulted. The warm-up is long:
 * with two of 2 s the base-page case is still reading PTEs into the read-hit bits when measuring starts.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 5)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"-XX:CompileCommand=quiet", PolicyGuard.JIT_OPTION}, jvmArgsAppend = {"-Xmx3g"})
public class AccessBench {
    static final long REGION = 64 * Sim.GIB;
    static final int BATCH = 1 << 20;

    @Param({"never", "always"})
    public String enabled;

    private MachineOps rt;
    private SyscallResult last;
    private long accesses0;
    private long faults0;
    private long invocations;

    @Setup(Level.Trial)
    public void boot() {
        rt = Sim.boot(REGION + 2 * Sim.GIB, enabled);
        rt.spawn("p");
        rt.mmap("p", "heap", REGION);
        Sim.expect("touch", 1, rt.touch("p", "heap", 0, REGION, true).ok() ? 1 : 0);
    }

    @Setup(Level.Iteration)
    public void mark() {
        accesses0 = rt.perfStat("p").accesses();
        faults0 = rt.perfStat("p").pageFaults();
        invocations = 0;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public SyscallResult uniform() {
        invocations++;
        last = rt.access("p", "heap", AccessPattern.uniform(), BATCH, false);
        return last;
    }

    @TearDown(Level.Iteration)
    public void checkCounts() {
        Sim.expect("accesses", invocations * BATCH, rt.perfStat("p").accesses() - accesses0);
        Sim.expect("faults", 0, rt.perfStat("p").pageFaults() - faults0);
    }
}
