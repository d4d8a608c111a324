package org.thplab.workload.redissnapshot;

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
 * A Redis-like store that snapshots itself by fork ({@code run redis-snapshot}, Redis's BGSAVE):
 * Andrea Arcangeli's argument over 2 MiB against 4 KiB copy-on-write. See {@link RedisSnapshotRun}.
 */
@Component
@WorkloadName("redis-snapshot")
public class RedisSnapshotWorkload implements Workload {
    private static final List<WorkloadParameter> PARAMETERS = List.of(
            new WorkloadParameter("size", Type.SIZE, Long.toString(4L << 30), "the machine's memory"),
            new WorkloadParameter("heap", Type.SIZE, Long.toString(1L << 30), "the dataset, written whole at the start, a multiple of 2M"),
            new WorkloadParameter("snapshots", Type.NUMBER, "3", "BGSAVEs to run"),
            new WorkloadParameter("interval", Type.NUMBER, "500", "simulated ms of writes between the end of one snapshot and the next fork"),
            new WorkloadParameter("batch", Type.NUMBER, "10000", "the writes of one step (Zipf over the heap's pages)"),
            new WorkloadParameter("op", Type.NUMBER, "1000", "simulated ns of work per write besides its store (parsing, the reply)"),
            new WorkloadParameter("theta", Type.WORD, "0.99", "the writes' Zipf exponent, YCSB's default"),
            new WorkloadParameter("scan", Type.SIZE, Long.toString(8L << 20), "what the child reads of the heap per step of the parent's writes"),
            new WorkloadParameter("hugepage", Type.NUMBER, "0", "1: madvise(MADV_HUGEPAGE) the heap after mapping it (what cow adaptive asks of a region)"),
            new WorkloadParameter("seed", Type.NUMBER, "0", "the machine's seed"));

    @Override
    public List<WorkloadParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public WorkloadRun start(MachineOps machine, Map<String, String> params) {
        Params p = new Params("redis-snapshot", params);
        long size = p.size("size", 4096, 1L << 20, 1L << 42);
        long heap = p.size("heap", 2L << 20, 2L << 20, 1L << 40);
        int snapshots = (int) p.number("snapshots", 1, 100_000);
        long interval = p.number("interval", 0, 3_600_000);
        long batch = p.number("batch", 1, 1L << 30);
        long op = p.number("op", 0, 1_000_000_000);
        double theta = p.decimal("theta", 0.01, 10);
        long scan = p.size("scan", 4096, 4096, heap);
        boolean hugepage = p.number("hugepage", 0, 1) == 1;
        long seed = p.number("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        if (heap / 4096 > Integer.MAX_VALUE) {
            throw new MmUsageException("run redis-snapshot: Zipf writes cover at most 2^31-1 pages; heap is " + heap);
        }
        p.boot(machine, size, seed);
        return new RedisSnapshotRun(machine, heap, snapshots, interval, batch, op, theta, scan, hugepage, seed);
    }
}
