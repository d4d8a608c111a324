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
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.core.policy.PolicyGuard;

/**
 * The reservation fault path of the 2018 RFC (fault policy {@code reservation}), on a 4 GiB
 * machine, fresh 1 GiB regions per invocation (mapped and unmapped in untimed fixtures).
 *
 * <ul>
 * <li>{@code inRegion}: every page of the region written in one touch, the reservation promoter
 * disabled: one fault in 512 reserves a block, the others map from it. One op is one 4 KiB
 * fault.
 * <li>{@code inRegion} with {@code promote=fault}: the same with {@code reservation-at-fault},
 * which promotes a block in place at the fault that reaches promotion_threshold (256), after
 * which the rest of the 2 MiB are hits: one op is one of the 256 faults per 2 MiB.
 * <li>{@code reserving}: the first page of each 2 MiB only: every fault reserves a new block.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"-XX:CompileCommand=quiet", PolicyGuard.JIT_OPTION}, jvmArgsAppend = {"-Xmx4g"})
public class ReservationFaultBench {
    static final long MACHINE = 4 * Sim.GIB;
    static final long TOUCH = 1 * Sim.GIB;
    static final int REGIONS = (int) (TOUCH / Sim.PMD);

    /** none: no promoter acts on reservations; fault: reservation-at-fault promotes at the threshold fault. */
    @Param({"none", "fault"})
    public String promote;

    private MachineOps rt;
    private FreshRegions regions;
    private SyscallResult last;
    private long faults0;
    private long invocations;
    /** Faults the invocations so far should have taken. */
    private long expectedFaults;

    @Setup(Level.Iteration)
    public void boot() {
        SimulatedMachine m = Sim.machine(MACHINE, "always");
        rt = m.ops();
        PolicyAdmin policies = m.policyAdmin();
        policies.usePolicy("fault", "reservation");
        policies.usePolicy("promotion", "-reservation");
        if (promote.equals("fault")) {
            policies.usePolicy("promotion", "+reservation-at-fault");
        }
        regions = new FreshRegions(rt, TOUCH);
        faults0 = Sim.vmstat(rt, "pgfault");
        invocations = 0;
        expectedFaults = 0;
    }

    @Setup(Level.Invocation)
    public void map() {
        regions.map();
    }

    /** Faults per 2 MiB: 512 without promotion; up to the threshold with promotion at the fault. */
    private int faultsPerRegion() {
        return promote.equals("fault") ? 256 : 512;
    }

    @Benchmark
    @OperationsPerInvocation(REGIONS * 512)
    public SyscallResult inRegion() {
        // The score is per touched page; with promote=fault, half of them are hits after the
        // promotion (the check below counts the faults).
        expectedFaults += (long) REGIONS * faultsPerRegion();
        return last = rt.touch(regions.proc(), FreshRegions.REGION, 0, TOUCH, true);
    }

    @Benchmark
    @OperationsPerInvocation(REGIONS)
    public SyscallResult reserving() {
        expectedFaults += REGIONS;
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
        Sim.expect("faults", expectedFaults, Sim.vmstat(rt, "pgfault") - faults0);
        Sim.expect("reservations", (long) invocations * REGIONS, Sim.vmstat(rt, "thp_res_alloc"));
    }
}
