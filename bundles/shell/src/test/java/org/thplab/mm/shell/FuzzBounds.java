package org.thplab.mm.shell;

import java.util.List;
import org.thplab.mm.api.SimulatedMachine;

/**
 * The commands the fuzz harness does not run, and why: each would be slow or take much heap for a
 * reason that is no bug (thplab is a simulator: a bigger machine costs more), would leave the
 * sandbox, or is not deterministic. A command whose words thplab refuses anyway (a malformed
 * size, a machine outside 16M..4T, an address space or a clock it would overflow) is run: that
 * refusal is thplab's to get right. One bound keeps state: the simulated time a case may tick.
 */
final class FuzzBounds {
    /** The largest machine (and swap device) booted: 256 MiB is 65,536 frames, under 3 MiB of heap. */
    static final long MAX_MACHINE = 256L << 20;
    /** The largest machine a workload boots: {@code run} does it once per child while it forks. */
    static final long MAX_WORKLOAD_MACHINE = 64L << 20;
    /** The largest mmap: verify and smaps walk each page of a region, a second or so per TiB. */
    static final long MAX_MMAP = 256L << 20;
    /** An mmap at least this large exhausts a process's 8 TiB address space: thplab refuses it. */
    static final long REFUSED_MMAP = 8L << 40;
    /** The most accesses one {@code access} makes: about 10 M a second of wall time, more under Jazzer. */
    static final long MAX_ACCESSES = 1_000_000;
    /** Simulated time a case may tick. */
    static final long MAX_TICKS_NS = 20_000_000_000L;
    /**
     * Promoter wakes a case may tick through. The promoters wake every
     * {@code khugepaged/scan_sleep_millisecs} (after a failed allocation khugepaged sleeps
     * {@code alloc_sleep_millisecs}); at 0 they are busy, as the kernel's khugepaged is, and a
     * wake costs a few microseconds of simulated time and about one of wall time (more under
     * Jazzer's instrumentation). The core skips the wakes that can change nothing, but not
     * those that collapse or promote, which a busy promoter's tick can be full of; slow, not a
     * bug, so a tick is counted as that many wakes at most.
     */
    static final long MAX_WAKES = 100_000;
    /** The least simulated time counted per wake. */
    private static final long MIN_WAKE_NS = 1_000;

    private long tickLeft = MAX_TICKS_NS;
    private long wakesLeft = MAX_WAKES;

    /** Why the command is not run, or null to run it. */
    String skip(Line.Command c, Commands shell) {
        String name = c.name().startsWith("mm:") ? c.name().substring(3) : c.name();
        List<String> a = c.words().subList(1, c.words().size());
        try {
            return switch (name) {
                case "boot" -> boot(a);
                case "run" -> run(a);
                case "mmap" -> a.size() == 3 && tooLarge(Sizes.bytes("mmap", a.get(2))) ? "mmap larger than 256M" : null;
                case "access" -> a.size() >= 4 && Hardware.count(a.get(3)) > MAX_ACCESSES ? "access of more than 1 M accesses" : null;
                case "tick" -> a.size() == 1 ? tick(Sizes.duration(a.get(0)), shell) : null;
                case "stat" -> a.equals(List.of("jvm")) ? "stat jvm: three System.gc() and the host's heap, not the machine" : null;
                case "compare" -> a.size() >= 2 && outside(a.get(1)) ? "compare reads files outside the sandbox" : null;
                case "record" -> record(a);
                case "plot" -> a.stream().anyMatch(FuzzBounds::outside) ? "plot reads or writes files outside the sandbox" : null;
                case "sweep" -> !a.isEmpty() && (outside(a.get(0)) || a.size() > 1 && outside(a.get(1)))
                        ? "sweep reads a spec and writes results outside the sandbox" : null;
                default -> null;
            };
        } catch (IllegalArgumentException malformed) {
            return null; // thplab refuses it: that is for it to do right
        }
    }

    /** A save outside the sandbox, or samples by the million (a short interval over a long tick): not run. */
    private static String record(List<String> a) {
        if (a.size() >= 2 && a.get(0).equals("save") && outside(a.get(1))) {
            return "record save writes files outside the sandbox";
        }
        for (String o : a) {
            if (o.startsWith("interval=") && Sizes.duration(o.substring(9)) < 1_000_000) {
                return "record start with an interval under 1ms: a tick would take a million samples";
            }
        }
        return null;
    }

        /** Whether an include's, compare's or sweep's file is outside the sandbox directory the script runs in. */
    static boolean outside(String file) {
        return file.contains("/") || file.contains("\\");
    }

    private static boolean tooLarge(long size) {
        return size > MAX_MMAP && size < REFUSED_MMAP;
    }

    private static String boot(List<String> a) {
        List<String> w = !a.isEmpty() && a.get(0).equals("--name") ? a.subList(Math.min(2, a.size()), a.size()) : a;
        if (w.isEmpty()) {
            return null;
        }
        long bytes = Sizes.bytes("boot", w.get(0));
        long swap = 0;
        for (String o : w.subList(1, w.size())) {
            if (o.startsWith("swap=")) {
                swap = Sizes.bytes("boot swap", o.substring(5));
            }
        }
        boolean refused = bytes < (16L << 20) || bytes % (2L << 20) != 0 || bytes > (4L << 40) || swap % 4096 != 0
                || swap / 4096 > Integer.MAX_VALUE;
        // Between 256M and what the machine refuses by its shape, the heap budget decides, which
        // depends on -Xmx: not deterministic across JVMs, and either way heap and seconds.
        return refused || (bytes <= MAX_MACHINE && swap <= MAX_MACHINE) ? null : "boot larger than 256M";
    }

    private static String run(List<String> a) {
        if (a.isEmpty()) {
            return null; // the list of workloads
        }
        if (a.get(0).equals("--background")) {
            return "run --background: a thread beside the commands, where its steps fall depends on wall time";
        }
        long size = -1;
        for (String kv : a.subList(1, a.size())) {
            int eq = kv.indexOf('=');
            String k = eq > 0 ? kv.substring(0, eq) : "";
            if (k.equals("size") || k.equals("swap") || k.equals("chunk")) {
                long v = Sizes.bytes("run " + k, kv.substring(eq + 1));
                if (v > MAX_WORKLOAD_MACHINE) {
                    return "run with a " + k + " above 64M";
                }
                size = k.equals("size") ? v : size;
            }
        }
        return size < 0 ? "run without size=: the workload's default machine is 256G" : null;
    }

    private String tick(long nanos, Commands shell) {
        SimulatedMachine m = shell.factory().machine(shell.current());
        long now = m == null ? 0 : m.ops().now();
        if (nanos > Long.MAX_VALUE - now) {
            return null; // past 2^63 ns: refused
        }
        long wakes = m == null || m.ops().bootParameters() == null ? 0 : nanos / wakePeriod(m);
        if (nanos > tickLeft || wakes > wakesLeft) {
            return "ticks beyond 20 s of simulated time, or 100,000 promoter wakes, a case";
        }
        tickLeft -= nanos;
        wakesLeft -= wakes;
        return null;
    }

    private static long wakePeriod(SimulatedMachine m) {
        long ms = Math.min(m.ops().tunables().number("khugepaged/scan_sleep_millisecs"),
                m.ops().tunables().number("khugepaged/alloc_sleep_millisecs"));
        return Math.max(MIN_WAKE_NS, ms > Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : ms * 1_000_000);
    }
}
