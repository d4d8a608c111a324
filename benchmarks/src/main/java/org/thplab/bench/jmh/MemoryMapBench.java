package org.thplab.bench.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MemoryMap;
import org.thplab.mm.api.RegionCoverage;
import org.thplab.mm.core.policy.PolicyGuard;

/**
 * What the web view costs a 256 GiB machine (64 Mi frames) per update: the memory map summarised
 * into 262,144 pixels (256 frames to a pixel, {@code memoryMap}), the coverage bars of the one
 * process's region ({@code coverage}, a walk of its page tables) and the report's measures
 * ({@code report}). The machine is in one of four states: {@code free} (just booted), {@code thp}
 * (240 GiB written with enabled=always: 122,880 PMD-mapped THPs), {@code base} (240 GiB written
 * with enabled=never: 62.9 M order-0 pages, the map's worst case, each frame a folio of its own)
 * and {@code mixed} (120 GiB of THPs then 120 GiB of base pages, one page of every 64 KiB of the
 * THPs freed by MADV_DONTNEED: partially mapped THPs on the deferred split queue).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"-XX:CompileCommand=quiet", PolicyGuard.JIT_OPTION}, jvmArgsAppend = {"-Xmx14g", "-XX:+UseParallelGC"})
public class MemoryMapBench {
    static final long MACHINE = 256 * Sim.GIB;
    static final long USED = 240 * Sim.GIB;
    static final int PIXELS = 262_144;

    @Param({"free", "thp", "base", "mixed"})
    public String state;

    private MachineOps mm;

    @Setup
    public void setUp() {
        mm = Sim.boot(MACHINE, "always");
        mm.sysfs("khugepaged/defrag", "0");
        mm.spawn("p");
        mm.mmap("p", "heap", USED);
        switch (state) {
            case "free" -> { }
            case "thp" -> mm.touch("p", "heap", 0, USED, true);
            case "base" -> {
                mm.sysfs("enabled", "never");
                mm.touch("p", "heap", 0, USED, true);
            }
            case "mixed" -> {
                mm.touch("p", "heap", 0, USED / 2, true);
                for (long off = 0; off < USED / 2; off += 64 * Sim.KIB) {
                    mm.madvise("p", "heap", off, Sim.PAGE, Advice.DONTNEED);
                }
                mm.sysfs("enabled", "never");
                mm.touch("p", "heap", USED / 2, USED / 2, true);
            }
            default -> throw new IllegalArgumentException(state);
        }
        MemoryMap m = mm.memoryMap(PIXELS);
        Sim.expect("pixels", PIXELS, m.pixels().length);
        Sim.expect("frames counted", m.frames(), java.util.Arrays.stream(m.counts()).sum());
    }

    @Benchmark
    public MemoryMap memoryMap() {
        return mm.memoryMap(PIXELS);
    }

    @Benchmark
    public List<RegionCoverage> coverage() {
        return mm.coverage("p", 64);
    }

    @Benchmark
    public Object report() {
        return mm.report(null);
    }
}
