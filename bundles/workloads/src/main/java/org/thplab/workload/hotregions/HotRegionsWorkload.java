package org.thplab.workload.hotregions;

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
 * A large heap whose hot set moves ({@code run hot-regions}): what an access-tracking promoter
 * (promote-damon) gains over khugepaged's address-order scan. See {@link HotRegionsRun}.
 */
@Component
@WorkloadName("hot-regions")
public class HotRegionsWorkload implements Workload {
    private static final List<WorkloadParameter> PARAMETERS = List.of(
            new WorkloadParameter("size", Type.SIZE, Long.toString(4L << 30), "the machine's memory"),
            new WorkloadParameter("heap", Type.SIZE, Long.toString(1L << 30), "the heap, written whole at the start"),
            new WorkloadParameter("hot", Type.SIZE, Long.toString(64L << 20), "the hot set, a divisor of the heap and a multiple of 2M"),
            new WorkloadParameter("phases", Type.NUMBER, "4", "how many times the hot set moves (to a region drawn at random)"),
            new WorkloadParameter("phase", Type.NUMBER, "2000", "simulated ms each hot set stays"),
            new WorkloadParameter("batch", Type.NUMBER, "20000", "accesses per step"),
            new WorkloadParameter("share", Type.NUMBER, "90", "percentage of the accesses that go to the hot set (the rest: uniform over the heap)"),
            new WorkloadParameter("seed", Type.NUMBER, "0", "the machine's seed and the hot set's moves"));

    @Override
    public List<WorkloadParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public WorkloadRun start(MachineOps machine, Map<String, String> params) {
        Params p = new Params("hot-regions", params);
        long size = p.size("size", 4096, 1L << 20, 1L << 42);
        long heap = p.size("heap", 2L << 20, 2L << 20, 1L << 40);
        long hot = p.size("hot", 2L << 20, 2L << 20, heap);
        if (heap % hot != 0 || heap / hot > 65_536) {
            throw new MmUsageException("run hot-regions: hot must divide the heap into at most 65536 regions, not " + hot
                    + " bytes of " + heap);
        }
        int phases = (int) p.number("phases", 1, 100_000);
        long phase = p.number("phase", 1, 3_600_000);
        long batch = p.number("batch", 1, 1L << 30);
        int share = (int) p.number("share", 0, 100);
        long seed = p.number("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        p.boot(machine, size, seed);
        return new HotRegionsRun(machine, heap, hot, phases, phase, batch, share, seed);
    }
}
