package org.thplab.workload.shortlived;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.api.WorkloadParameter.Type;
import org.thplab.mm.spi.workload.Workload;
import org.thplab.mm.spi.workload.WorkloadName;
import org.thplab.mm.spi.workload.WorkloadRun;
import org.thplab.workload.common.Params;

/**
 * Many processes that map, touch and exit after a short life, as the jobs of {@code make -j}
 * do ({@code run short-lived}): Kirill Shutemov's argument that whoever promotes late never
 * benefits. See {@link ShortLivedRun}.
 */
@Component
@WorkloadName("short-lived")
public class ShortLivedWorkload implements Workload {
    private static final List<WorkloadParameter> PARAMETERS = List.of(
            new WorkloadParameter("size", Type.SIZE, Long.toString(8L << 30), "the machine's memory"),
            new WorkloadParameter("procs", Type.NUMBER, "64", "processes in all"),
            new WorkloadParameter("jobs", Type.NUMBER, "4", "processes alive at once, as make -j"),
            new WorkloadParameter("min", Type.SIZE, Long.toString(16L << 20), "the smallest heap"),
            new WorkloadParameter("max", Type.SIZE, Long.toString(256L << 20), "the largest heap (log-uniform in between, as compiler jobs spread)"),
            new WorkloadParameter("lifetime", Type.NUMBER, "200", "mean life in simulated ms of the process's own CPU time (exponential)"),
            new WorkloadParameter("slice", Type.NUMBER, "20000", "accesses a process makes each time it runs, 70% loads"),
            new WorkloadParameter("theta", Type.WORD, "0.8", "the Zipf exponent of the accesses over the heap (0: uniform)"),
            new WorkloadParameter("seed", Type.NUMBER, "0", "the machine's seed and the profile's"));

    @Override
    public List<WorkloadParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public WorkloadRun start(MachineOps machine, Map<String, String> params) {
        Params p = new Params("short-lived", params);
        long size = p.size("size", 4096, 1L << 20, 1L << 42);
        int procs = (int) p.number("procs", 1, 1_000_000);
        int jobs = (int) p.number("jobs", 1, 4096);
        long min = p.size("min", 4096, 4096, 1L << 40);
        long max = p.size("max", 4096, min, 1L << 40);
        long lifetime = p.number("lifetime", 1, 3_600_000);
        long slice = p.number("slice", 1, 1L << 30);
        double theta = p.decimal("theta", 0, 10);
        long seed = p.number("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        if (theta > 0 && max / 4096 > Integer.MAX_VALUE) {
            throw new MmUsageException("run short-lived: a Zipf heap has at most 2^31-1 pages; max is " + max);
        }
        p.boot(machine, size, seed);
        return new ShortLivedRun(machine, procs, jobs, min, max, lifetime, slice, theta, seed);
    }
}
