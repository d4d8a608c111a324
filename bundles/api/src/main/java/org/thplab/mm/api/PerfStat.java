package org.thplab.mm.api;

import java.util.Map;

/**
 * What {@code perf stat} would count for one process: its simulated task clock and its MMU
 * events under perf's names (the generic {@code dTLB-loads} and {@code dTLB-load-misses} as the
 * preset's vendor defines them, then the raw events), over the accesses and faults it made.
 *
 * @param proc the process
 * @param taskClockNs simulated nanoseconds the process ran: its accesses, and its faults in them
 * @param accesses memory accesses made through {@code access}
 * @param pageFaults faults taken by its accesses and touches (perf's {@code page-faults})
 * @param events counts by perf event name, in the order {@code perf stat -e} would list them
 * @param elapsedNs simulated nanoseconds since the process (or thread) was made, what perf's
 *     "seconds time elapsed" and "CPUs utilized" are of; 0 when not known (since 2.12)
 * @since 2.4
 */
public record PerfStat(String proc, long taskClockNs, long accesses, long pageFaults, Map<String, Long> events,
        long elapsedNs) {
    public PerfStat {
        events = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(events));
    }

    /**
     * The counts without the time elapsed (0: not known).
     *
     * @deprecated since 2.12: give the elapsed time
     */
    @Deprecated
    public PerfStat(String proc, long taskClockNs, long accesses, long pageFaults, Map<String, Long> events) {
        this(proc, taskClockNs, accesses, pageFaults, events, 0);
    }
}
