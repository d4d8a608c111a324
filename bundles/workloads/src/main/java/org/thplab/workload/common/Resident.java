package org.thplab.workload.common;

import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SmapsEntry;

/**
 * A region's resident memory as smaps shows it, summed over its VMAs: Rss and AnonHugePages in
 * kB, what the workloads' THP coverage is made of.
 */
public record Resident(long rssKb, long anonHugeKb) {
    /** @return the region's Rss and AnonHugePages now */
    public static Resident of(MachineOps m, String proc, String region) {
        long rss = 0;
        long thp = 0;
        for (SmapsEntry e : m.smaps(proc, region)) {
            rss += e.rssKb();
            thp += e.anonHugeKb();
        }
        return new Resident(rss, thp);
    }
}
