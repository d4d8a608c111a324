package org.thplab.mm.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told how a foreground run is going ({@link Workloads#runResult(String, String, java.util.Map, WorkloadProgress)}):
 * called between two steps, on the thread that runs the workload, at most every
 * {@value #INTERVAL_MS} ms of wall time, holding the machine's lock; it should return quickly.
 *
 * @since 2.6
 */
@ConsumerType
@FunctionalInterface
public interface WorkloadProgress {
    /** The least wall time between two calls, in milliseconds. */
    long INTERVAL_MS = 100;

    /**
     * @param where    where the run is, one line (the workload's {@code progress()})
     * @param steps    steps done so far
     * @param fraction how far the run is, 0 to 1, or NaN when the workload cannot say
     */
    void update(String where, long steps, double fraction);
}
