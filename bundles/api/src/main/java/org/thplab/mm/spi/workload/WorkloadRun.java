package org.thplab.mm.spi.workload;

import java.util.Map;
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

    /** @return where the run is, one line, for {@code jobs} and the progress line */
    String progress();

    /** @return the run's report: what it did and its figures */
    String report();

    /**
     * The run's figures, the same numbers {@link #report()} prints, by name, for {@code run --json}:
     * each value a number, a string, a boolean, null, a list or a map of such values, in a stable
     * order (a {@link java.util.LinkedHashMap}); rows of the report (per snapshot, per cycle) as a
     * list of maps. Called when the run has ended, as {@link #report()} is.
     *
     * <p>The default, for a workload written before 1.1: the text report alone, under {@code report}.
     *
     * @return the figures by name, in the order the report gives them
     * @since 1.1
     */
    default Map<String, Object> results() {
        return Map.of("report", report());
    }

    /**
     * How far the run is, for the progress line on a terminal: from 0 (nothing done) to 1 (ended),
     * never decreasing during a run; an estimate where the end depends on what happens (an OOM
     * kill). Called between two steps, at most a few times a second.
     *
     * @return the fraction done, or NaN when the run cannot say (the default)
     * @since 1.1
     */
    default double fraction() {
        return Double.NaN;
    }
}
