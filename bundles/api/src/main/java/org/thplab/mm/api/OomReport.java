package org.thplab.mm.api;

import java.util.Map;

/**
 * One OOM kill as the kernel's report of it gives it: the victim of {@code oom_kill_process()}
 * and the memory {@code dump_header()} found when the killer was invoked, before the victim's
 * memory was reaped.
 *
 * @param kill    the kill's number, counting from 1 since boot (vmstat {@code oom_kill} after it)
 * @param victim  the process killed
 * @param meminfo /proc/meminfo as it was then, values in kB (and, on a machine with THP
 *                reservations, {@code nr_thp_reserved} in pages)
 * @since 2.2
 */
public record OomReport(long kill, String victim, Map<String, Long> meminfo) {
    public OomReport {
        meminfo = Map.copyOf(meminfo);
    }
}
