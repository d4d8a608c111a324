package org.thplab.bench.jmh;

import java.util.SplittableRandom;
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
import org.thplab.mm.core.mmu.Mmu;
import org.thplab.mm.core.mmu.MmuEvent;
import org.thplab.mm.core.mmu.MmuPreset;

/**
 * The MMU model alone: {@code Mmu.translate} of addresses in a 64 GiB region mapped by 4 KiB
 * pages ({@code pages=4k}: 16 Mi pages) or by 2 MiB pages ({@code pages=2m}: 32 Ki pages), for a
 * preset, on bare metal or as a guest of a host that backs it with 4 KiB pages
 * ({@code virt=true}). {@code pattern=uniform}: uniformly random 8-byte-aligned addresses over the
 * region, so that nearly every translation misses the L1 and, with 4 KiB pages, walks;
 * {@code pattern=sequential}: one address per 64-byte line (64 per 4 KiB page) through the
 * region's first 256 MiB, in order, and again.
 *
 * <p>The addresses (4 Mi of them, random ones from a fixed seed) are made once per trial, so an
 * op is one translation and the load of its address from a streamed array, not the random number
 * generator. One op is one translate(); the score is translations per second. The iteration's
 * teardown checks that every op was counted (dTLB-loads) and, for the uniform pattern with 4 KiB
 * pages, that more than 90% of the translations walked.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class MmuTranslateBench {
    static final long REGION = 64 * Sim.GIB;
    static final int ADDRESSES = 1 << 22;
    static final int BATCH = 1 << 16;

    @Param({"zen4", "skylake", "neoverse-n1"})
    public String preset;

    /** The page size that maps the region: {@code 4k} or {@code 2m}. */
    @Param({"4k", "2m"})
    public String pages;

    @Param({"false"})
    public boolean virt;

    @Param({"uniform"})
    public String pattern;

    private long[] vas;
    private int shift;
    private int next;
    private Mmu mmu;
    private long ops;
    private long loads0;
    private long walks0;

    @Setup(Level.Trial)
    public void addresses() {
        shift = switch (pages) {
            case "4k" -> Mmu.PAGE_SHIFT;
            case "2m" -> Mmu.PMD_SHIFT;
            default -> throw new IllegalArgumentException("pages=" + pages);
        };
        MmuPreset p = MmuPreset.named(preset);
        mmu = new Mmu(virt ? p.virtualized(Mmu.PAGE_SHIFT) : p);
        SplittableRandom r = new SplittableRandom(2026);
        vas = new long[ADDRESSES];
        for (int i = 0; i < ADDRESSES; i++) {
            vas[i] = switch (pattern) {
                case "uniform" -> r.nextLong(REGION) & -8L;
                case "sequential" -> (long) i * 64;
                default -> throw new IllegalArgumentException("pattern=" + pattern);
            };
        }
    }

    @Setup(Level.Iteration)
    public void start() {
        ops = 0;
        loads0 = mmu.count(MmuEvent.DTLB_LOADS);
        walks0 = mmu.count(MmuEvent.WALKS);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long translate() {
        Mmu m = mmu;
        long[] a = vas;
        int s = shift;
        int i = next;
        long cycles = 0;
        for (int k = 0; k < BATCH; k++) {
            cycles += m.translate(1, a[i], s);
            i = (i + 1) & (ADDRESSES - 1);
        }
        next = i;
        ops += BATCH;
        return cycles;
    }

    @TearDown(Level.Iteration)
    public void check() {
        Sim.expect("translations", ops, mmu.count(MmuEvent.DTLB_LOADS) - loads0);
        long walks = mmu.count(MmuEvent.WALKS) - walks0;
        if (pattern.equals("uniform") && shift == Mmu.PAGE_SHIFT && walks < ops * 9 / 10) {
            throw new IllegalStateException("uniform access over 16 Mi pages walked only " + walks + " of " + ops);
        }
    }
}
