package org.thplab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.core.mm.Machine;

/**
 * The base-page fault benchmark of docs/benchmarks.md, in-process (no OSGi framework, no shell):
 * boots a machine, sets enabled=never, maps and writes {@code touch} bytes of one region and
 * reports simulated 4 KiB faults per second of wall time and heap bytes per simulated frame.
 *
 * <pre>java -cp 'benchmarks/target/lib/*:benchmarks/target/thplab-benchmarks-*.jar' org.thplab.bench.FaultBench [machine] [touch] [runs]</pre>
 */
public final class FaultBench {
    private FaultBench() {
    }

    public static void main(String[] args) {
        long machine = bytes(args.length > 0 ? args[0] : "64G");
        long touch = bytes(args.length > 1 ? args[1] : "60G");
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.out.printf(Locale.ROOT, "machine %s, touch %s with enabled=never, %d runs, %d cpus available%n",
                args.length > 0 ? args[0] : "64G", args.length > 1 ? args[1] : "60G", runs,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "frame state by design: %.2f bytes per frame%n", frameBytesByDesign());
        double best = 0;
        for (int r = 1; r <= runs; r++) {
            MachineOps rt = EmbeddedPolicies.newRuntime().defaultMachine().ops();
            gc();
            long heap0 = mem.getHeapMemoryUsage().getUsed();
            rt.boot(machine, 0, r);
            gc();
            long heap1 = mem.getHeapMemoryUsage().getUsed();
            long frames = machine / 4096;
            rt.sysfs("enabled", "never");
            rt.spawn("bench");
            rt.mmap("bench", "heap", touch);
            long faults0 = rt.vmstat().get("pgfault");
            long t0 = System.nanoTime();
            SyscallResult res = rt.touch("bench", "heap", 0, touch, true);
            long t1 = System.nanoTime();
            long faults = rt.vmstat().get("pgfault") - faults0;
            gc();
            long heap2 = mem.getHeapMemoryUsage().getUsed();
            double secs = (t1 - t0) / 1e9;
            double rate = faults / secs;
            best = Math.max(best, rate);
            System.out.printf(Locale.ROOT,
                    "run %d: %s, %d faults in %.3f s = %.2f M faults/s; heap %.2f bytes/frame after boot, "
                    + "+%.2f bytes per touched page (page tables, content oracle)%n",
                    r, res, faults, secs, rate / 1e6, (heap1 - heap0) / (double) frames,
                    (heap2 - heap1) / (double) (touch / 4096));
        }
        System.out.printf(Locale.ROOT, "best: %.2f M faults/s%n", best / 1e6);
    }

    static double frameBytesByDesign() {
        return org.thplab.mm.core.frames.Frames.bytesPerFrame();
    }

    private static void gc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
    }

    static long bytes(String s) {
        char u = Character.toUpperCase(s.charAt(s.length() - 1));
        int shift = switch (u) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        return Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1)) << shift;
    }

    @SuppressWarnings("unused")
    private static Class<?> machineClass() {
        return Machine.class;
    }
}
