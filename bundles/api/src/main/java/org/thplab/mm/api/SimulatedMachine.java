package org.thplab.mm.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One simulated machine, made by {@link MachineFactory}: its own clock, seed, memory, tunables,
 * policy selection and trace buffer, seen through three focused views. Two machines share
 * nothing but the policy services, and a machine's results do not depend on what any other
 * machine does, nor on whether it runs beside others or alone.
 *
 * @since 2.0
 */
@ProviderType
public interface SimulatedMachine {
    /** @return the machine's name, unique in its factory */
    String name();

    /** @return the machine's system calls, reports and tunables */
    MachineOps ops();

    /** @return the machine's policy selection */
    PolicyAdmin policyAdmin();

    /** @return the machine's tracepoints */
    Tracing tracing();
    /**
     * Watches the machine: {@code watcher} runs holding the machine's lock, at most once every
     * {@code intervalMillis} ms of wall time, on the thread of a workload that runs on the machine
     * (between two of its steps, in the foreground or as a background job) and on the thread that
     * calls {@link Watch#poll()}. A watcher only reads the machine; what it throws is logged.
     *
     * @throws MmUsageException for an interval below 1 ms
     * @since 2.8
     */
    Watch watch(long intervalMillis, Runnable watcher);

    /**
     * A watcher of a machine ({@link #watch}).
     *
     * @since 2.8
     */
    @ProviderType
    interface Watch extends AutoCloseable {
        /** Runs the watcher now, on this thread, waiting for the machine's lock, unless it ran less than its interval ago. */
        void poll();

        /** @return the wall time the watcher took at its last run, in ns */
        long lastCostNanos();

        /** The watcher runs no more. */
        @Override
        void close();
    }
}
