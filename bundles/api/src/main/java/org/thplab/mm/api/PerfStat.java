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
 * @since 2.4
 */
public record PerfStat(String proc, long taskClockNs, long accesses, long pageFaults, Map<String, Long> events) {
    public PerfStat {
        events = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(events));
    }
}
