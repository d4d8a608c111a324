package org.thplab.bench.jmh;

import org.thplab.bench.EmbeddedPolicies;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SimulatedMachine;

/**
 * What the JMH benchmarks share: booting a simulated machine through the public runtime API,
 * and reading /proc/vmstat counters. Nothing here is timed.
 */
final class Sim {
    static final long KIB = 1L << 10;
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    static final long PAGE = 4 * KIB;
    static final long PMD = 2 * MIB;

    private Sim() {
    }

    /**
     * @param bytes the machine's memory (no swap)
     * @param enabled the value written to {@code /sys/kernel/mm/transparent_hugepage/enabled}
     * @return a freshly booted machine with every policy registered (Linux's selected)
     */
    static MachineOps boot(long bytes, String enabled) {
        return machine(bytes, enabled).ops();
    }

    /** {@link #boot}, for a benchmark that also selects policies: the machine with all its views. */
    static SimulatedMachine machine(long bytes, String enabled) {
        SimulatedMachine m = EmbeddedPolicies.newRuntime().defaultMachine();
        m.ops().boot(bytes, 0, 1);
        m.ops().sysfs("enabled", enabled);
        return m;
    }

    /** @return the /proc/vmstat counter {@code name} */
    static long vmstat(MachineOps rt, String name) {
        Long v = rt.vmstat().get(name);
        if (v == null) {
            throw new IllegalStateException("no vmstat counter " + name);
        }
        return v;
    }

    /** Fails the run (not a timing check) when a benchmark did not do what its score claims. */
    static void expect(String what, long expected, long actual) {
        if (expected != actual) {
            throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
        }
    }
}
