package org.thplab.mm.api;

import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The tracepoints of one machine. Recording is a setting of the machine, kept when it is booted
 * again; the recorded lines are the machine's own.
 *
 * @since 2.0
 */
@ProviderType
public interface Tracing {
    /** Turns tracepoint recording on or off. */
    void trace(boolean on);

    /** @return and clears the recorded tracepoint lines */
    List<String> traceDump();

    /**
     * Chooses the groups of events that {@link #trace(boolean) trace on} records, as the
     * kernel's events/SUBSYSTEM/enable: {@code mm} (huge_memory, vmscan, compaction, migration,
     * oom; the default) and {@code fault} (exceptions:page_fault_user and thplab_thp_fault, one or
     * two per fault); {@code all} stands for both. A setting of the machine, kept when it is
     * booted again.
     *
     * @throws MmUsageException for a group that does not exist; nothing changes then
     */
    void traceEvents(Set<String> groups);

    /** @return the groups {@code trace on} records, in the order above */
    Set<String> traceEvents();
}
