package org.thplab.workload.sparseheap;

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
 * A malloc-like heap that grows, frees in holes and regrows ({@code run sparse-heap}): the memory
 * underused THPs lose, Anthony Yznaga's and Meta's argument. See {@link SparseHeapRun}.
 */
@Component
@WorkloadName("sparse-heap")
public class SparseHeapWorkload implements Workload {
    private static final List<WorkloadParameter> PARAMETERS = List.of(
            new WorkloadParameter("size", Type.SIZE, Long.toString(4L << 30), "the machine's memory"),
            new WorkloadParameter("heap", Type.SIZE, Long.toString(1L << 30), "the heap's address range, a multiple of 2M"),
            new WorkloadParameter("cycles", Type.NUMBER, "6", "grow, free and sleep this many times"),
            new WorkloadParameter("fill", Type.NUMBER, "90", "each growth allocates until this percentage of the heap is live"),
            new WorkloadParameter("free", Type.NUMBER, "50", "each free phase frees this percentage of the live objects, at random"),
            new WorkloadParameter("min", Type.SIZE, "4096", "the smallest object, a multiple of 4K"),
            new WorkloadParameter("max", Type.SIZE, Long.toString(1L << 20), "the largest object (sizes log-uniform in between)"),
            new WorkloadParameter("placement", Type.WORD, "first", "first: the lowest hole that fits (jemalloc, glibc); next: the first that fits after the last allocation, wrapping"),
            new WorkloadParameter("sleep", Type.NUMBER, "10000", "simulated ms after each free phase, khugepaged's scan_sleep_millisecs by default"),
            new WorkloadParameter("seed", Type.NUMBER, "0", "the machine's seed and the allocator's"));

    @Override
    public List<WorkloadParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public WorkloadRun start(MachineOps machine, Map<String, String> params) {
        Params p = new Params("sparse-heap", params);
        long size = p.size("size", 4096, 1L << 20, 1L << 42);
        long heap = p.size("heap", 2L << 20, 2L << 20, 1L << 40);
        int cycles = (int) p.number("cycles", 1, 10_000);
        int fill = (int) p.number("fill", 1, 100);
        int free = (int) p.number("free", 0, 100);
        long min = p.size("min", 4096, 4096, heap);
        long max = p.size("max", 4096, min, heap);
        String placement = params.get("placement");
        if (!placement.equals("first") && !placement.equals("next")) {
            throw new MmUsageException("run sparse-heap: placement must be first or next, not '" + placement + "'");
        }
        long sleep = p.number("sleep", 0, 3_600_000);
        long seed = p.number("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        p.boot(machine, size, seed);
        return new SparseHeapRun(machine, heap, cycles, fill, free, min, max, placement.equals("next"), sleep, seed);
    }
}
