package org.thplab.mm.api;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Built-in workloads, each run on a named machine that it boots afresh, and the background jobs.
 * Workloads: {@code rfc-fork} with {@code size}, {@code chunk}, {@code swap} (bytes),
 * {@code pattern} ({@code one} or {@code random}), {@code seed} and {@code max} (children).
 *
 * @since 2.0
 */
@ProviderType
public interface Workloads {
    /**
     * Boots the machine afresh for the workload, runs it to its end and returns its report.
     *
     * @throws MmUsageException for an unknown machine, workload or parameter
     */
    String run(String machine, String workload, Map<String, String> params);

    /**
     * Starts {@link #run} in the background: the workload runs step by step (one 2 MiB region
     * a step) on its own thread, and commands, policy swaps and bundle changes act between two
     * steps. Not deterministic relative to the commands typed meanwhile. The job ends when its
     * machine is booted again.
     *
     * @return the job's number
     */
    int runBackground(String machine, String workload, Map<String, String> params);

    /** @return one line per background job: number, workload, state, progress or report */
    List<String> jobs();

    /** Stops a background job at its next step; returns its report. */
    String stop(int job);
}
