package org.thplab.mm.spi.workload;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One run of a {@link Workload} on one machine. The runtime calls it from one thread at a time,
 * holding the machine's lock during each call, so a run needs no locking of its own.
 */
@ConsumerType
public interface WorkloadRun {
    /**
     * Does one step: a bounded piece of the program (one 2 MiB region, one fork, one snapshot),
     * small enough that a command waiting for the machine is not held up for long.
     *
     * @return false when the run has ended (and then on every later call)
     * @throws org.thplab.mm.api.MmUsageException when the machine no longer has what the run
     *         works on (a command in between took its processes away); the runtime then calls
     *         {@link #end}
     */
    boolean step();

    /** Ends the run for a reason from outside it: the runtime's sentence, e.g. its processes were taken away. */
    void end(String why);

    /** Ends the run because its user stopped it ({@code stop <job>}). */
    void stop();

    /** @return where the run is, one line, for {@code jobs} */
    String progress();

    /** @return the run's report: what it did and its figures */
    String report();
}
