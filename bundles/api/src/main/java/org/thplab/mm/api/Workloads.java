package org.thplab.mm.api;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The workloads installed (workload services, see {@code org.thplab.mm.spi.workload}), each run
 * on a named machine that it boots afresh, and the background jobs. This repository's workloads
 * bundle provides {@code rfc-fork}; a third-party bundle may add more.
 *
 * @since 2.0
 */
@ProviderType
public interface Workloads {
    /**
     * @return the names of the workloads installed, sorted
     * @since 2.2
     */
    List<String> installed();

    /**
     * @return the workload's parameters, in the order it lists them
     * @throws MmUsageException for a workload not installed
     * @since 2.2
     */
    List<WorkloadParameter> parameters(String workload);

    /**
     * Boots the machine afresh for the workload, runs it to its end and returns its report.
     *
     * @param params values by parameter name, {@link WorkloadParameter.Type#SIZE} ones in bytes;
     *               a parameter not given takes its default
     * @throws MmUsageException for an unknown machine, workload or parameter, or a bad value
     *                          (before the machine is booted)
     */
    String run(String machine, String workload, Map<String, String> params);

    /**
     * As {@link #run}, and returns the run's figures by name beside its text report, with the
     * parameter values it ran with.
     *
     * @throws MmUsageException as {@link #run} does
     * @since 2.6
     */
    WorkloadResult runResult(String machine, String workload, Map<String, String> params);

    /**
     * As {@link #runResult(String, String, Map)}, telling {@code progress} how the run goes
     * between its steps, at most every {@value WorkloadProgress#INTERVAL_MS} ms of wall time
     * (null: nobody listens, and nothing is measured).
     *
     * @throws MmUsageException as {@link #run} does
     * @since 2.6
     */
    WorkloadResult runResult(String machine, String workload, Map<String, String> params, WorkloadProgress progress);

    /**
     * Starts {@link #run} in the background: the workload runs step by step on its own
     * thread, and commands, policy swaps and bundle changes act between two
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
