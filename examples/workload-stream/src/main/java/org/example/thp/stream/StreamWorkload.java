package org.example.thp.stream;

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

/**
 * John McCalpin's STREAM benchmark (stream.c), its triad kernel {@code a[j] = b[j] + q * c[j]},
 * as a thplab workload ({@code run stream}): three arrays, written whole once, then passes that
 * load b and c and store a, page after page. What the TLB model makes of it on THPs and on base
 * pages is the point; see {@link StreamRun}.
 */
@Component
@WorkloadName("stream")
public class StreamWorkload implements Workload {
    static final long PAGE = 4096;

    private static final List<WorkloadParameter> PARAMETERS = List.of(
            new WorkloadParameter("size", Type.SIZE, Long.toString(1L << 30), "the machine's memory"),
            new WorkloadParameter("array", Type.SIZE, Long.toString(64L << 20), "the size of each of a, b and c, a multiple of 4K"),
            new WorkloadParameter("ntimes", Type.NUMBER, "10", "triad passes, as STREAM's NTIMES (the first is not counted in the best)"),
            new WorkloadParameter("seed", Type.NUMBER, "0", "the machine's seed"));

    @Override
    public List<WorkloadParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public WorkloadRun start(MachineOps machine, Map<String, String> params) {
        long size = Long.parseLong(params.get("size"));
        long array = Long.parseLong(params.get("array"));
        long ntimes = Long.parseLong(params.get("ntimes"));
        long seed = Long.parseLong(params.get("seed"));
        if (array <= 0 || array % PAGE != 0) {
            throw new MmUsageException("run stream: array must be a positive multiple of 4K, not " + array);
        }
        if (ntimes < 2 || ntimes > 1_000_000) {
            throw new MmUsageException("run stream: ntimes must be from 2 to 1000000, not " + ntimes);
        }
        try {
            machine.boot(size, 0, seed);
        } catch (MmUsageException e) {
            throw new MmUsageException("run stream: size=" + size + ": " + e.getMessage());
        }
        return new StreamRun(machine, array, (int) ntimes);
    }
}
