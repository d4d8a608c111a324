package org.thplab.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.core.policy.PolicyGuard;

/**
 * fork(2) of a process with a 64 GiB address space, all of it written once, mapped by THPs
 * ({@code pages=thp}: enabled=always, 32,768 PMD-mapped THPs) or by base pages
 * ({@code pages=base}: enabled=never, 16,777,216 PTEs in 32,768 PTE tables).
 *
 * <p>The 70 GiB machine and its 64 GiB parent are made once per fork of the JVM
 * ({@code Level.Trial}). One op is one {@code fork}: copying the parent's page tables into a
 * new child (write-protecting them for copy-on-write, taking a reference on every page or THP)
 * and the TLB flush. The child is exited after each op in a {@code Level.Invocation} teardown,
 * which is not timed, so every op forks the same parent into an address space that does not yet
 * exist.
 *
 * <p>With THPs the parent is registered with khugepaged, and so is each child (khugepaged_fork);
 * the simulator keeps an exited child's whole address space, content oracle included (about
 * 140 MB here), on khugepaged's list until khugepaged's scan reaches it. So the teardown, after
 * the exit, also runs one {@code tick(scan_sleep_millisecs)} with
 * {@code khugepaged/pages_to_scan} at its maximum: one khugepaged wake that passes over the
 * parent's 32,768 PMD-mapped ranges (nothing to collapse) and collects the dead child's slot,
 * which the teardown checks ({@code khugepaged_mm_slots} back to 1). Without it the heap fills
 * with dead children and garbage collection dominates the score.
 *
 * <p>Both cases fit in the forked JVM's {@code -Xmx12g}: the full 64 GiB of base pages is
 * measured, not a smaller size (frame state is about 0.4 GB for 70 GiB, the parent's PTE tables
 * and content oracle about 0.27 GB, a child's copy less again).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"-XX:CompileCommand=quiet", PolicyGuard.JIT_OPTION}, jvmArgsAppend = {"-Xmx12g"})
public class ForkBench {
    static final long MACHINE = 70 * Sim.GIB;
    static final long SIZE = 64 * Sim.GIB;
    static final String PARENT = "parent";
    static final String CHILD = "child";

    /** How the 64 GiB are mapped: {@code thp} (enabled=always) or {@code base} (enabled=never). */
    @Param({"thp", "base"})
    public String pages;

    private MachineOps rt;
    private SyscallResult last;
    private long sleepNanos;

    @Setup(Level.Trial)
    public void populate() {
        rt = Sim.boot(MACHINE, switch (pages) {
            case "thp" -> "always";
            case "base" -> "never";
            default -> throw new IllegalArgumentException("pages must be thp or base, not " + pages);
        });
        rt.spawn(PARENT);
        rt.mmap(PARENT, "heap", SIZE);
        SyscallResult r = rt.touch(PARENT, "heap", 0, SIZE, true);
        if (!r.ok()) {
            throw new IllegalStateException("populating the parent failed: " + r);
        }
        Sim.expect("THPs mapped", pages.equals("thp") ? SIZE / Sim.PMD : 0, Sim.vmstat(rt, "thp_fault_alloc"));
        rt.sysfs("khugepaged/pages_to_scan", Long.toString(0xffffffffL));
        sleepNanos = rt.tunables().number("khugepaged/scan_sleep_millisecs") * 1_000_000L;
    }

    @Benchmark
    public SyscallResult fork() {
        return last = rt.fork(PARENT, CHILD);
    }

    @TearDown(Level.Invocation)
    public void exitChild() {
        if (!last.ok()) {
            throw new IllegalStateException("fork failed: " + last);
        }
        rt.exit(CHILD);
        if (pages.equals("thp")) {
            rt.tick(sleepNanos); // khugepaged collects the dead child's mm slot
            Sim.expect("khugepaged mm slots after the child's exit", 1, rt.stat().get("khugepaged_mm_slots"));
        }
    }
}
