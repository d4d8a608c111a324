package org.thplab.embedded;

import org.thplab.mm.spi.workload.Workload;
import org.thplab.workload.hotregions.HotRegionsWorkload;
import org.thplab.workload.redissnapshot.RedisSnapshotWorkload;
import org.thplab.workload.rfcfork.RfcForkWorkload;
import org.thplab.workload.shortlived.ShortLivedWorkload;
import org.thplab.workload.sparseheap.SparseHeapWorkload;
import org.thplab.workload.threadedfaults.ThreadedFaultsWorkload;

/**
 * The workloads of this repository, registered by hand into a runtime outside the framework
 * under the names their components register with inside it, as {@link BundledPolicies} does the
 * policies.
 */
public final class BundledWorkloads {
    private BundledWorkloads() {
    }

    /** Where a workload goes: the runtime's {@code registerWorkload(name, workload)}. */
    @FunctionalInterface
    public interface Registrar {
        void register(String name, Workload workload);
    }

    /** Registers every bundled workload, a new instance each, with {@code rt}. */
    public static void register(Registrar rt) {
        rt.register("rfc-fork", new RfcForkWorkload());
        rt.register("sparse-heap", new SparseHeapWorkload());
        rt.register("short-lived", new ShortLivedWorkload());
        rt.register("redis-snapshot", new RedisSnapshotWorkload());
        rt.register("hot-regions", new HotRegionsWorkload());
        rt.register("threaded-faults", new ThreadedFaultsWorkload());
    }
}
