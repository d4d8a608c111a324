package org.thplab.workload.threadedfaults;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.MmuSettings;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.api.WorkloadParameter.Type;
import org.thplab.mm.spi.workload.Workload;
import org.thplab.mm.spi.workload.WorkloadName;
import org.thplab.mm.spi.workload.WorkloadRun;
import org.thplab.workload.common.Params;

/**
 * T threads of one process faulting and accessing a shared heap while khugepaged, MADV_COLLAPSE
 * or migration-entry promotion collapses underneath them ({@code run threaded-faults}): Kirill
 * Shutemov's and Zi Yan's exchange in the THP reservation thread. See {@link ThreadedFaultsRun}.
 */
@Component
@WorkloadName("threaded-faults")
public class ThreadedFaultsWorkload implements Workload {
    /** The promoters the run can be told it runs under. */
    static final List<String> PROMOTE = List.of("khugepaged", "madv_collapse", "migration-entry");

    private static final List<WorkloadParameter> PARAMETERS = List.of(
            new WorkloadParameter("size", Type.SIZE, Long.toString(1L << 30), "the machine's memory"),
            new WorkloadParameter("threads", Type.NUMBER, "4", "threads of the process, each on a CPU of its own (mmu cpus is raised to threads + 1)"),
            new WorkloadParameter("heap", Type.SIZE, Long.toString(64L << 20), "the shared heap, a part of it (a multiple of 2M) for each thread"),
            new WorkloadParameter("chunk", Type.SIZE, Long.toString(256L << 10), "bytes each thread writes, faulting, per step"),
            new WorkloadParameter("promote", Type.WORD, "khugepaged",
                    "khugepaged | madv_collapse (the process's own task collapses each 2 MiB range the threads completed) | migration-entry;"
                            + " khugepaged and migration-entry are the promoter selected (policy enable promotion migration-entry)"),
            new WorkloadParameter("scan_sleep", Type.NUMBER, "1", "khugepaged/scan_sleep_millisecs set for the run, in ms"),
            new WorkloadParameter("rounds", Type.NUMBER, "4", "rounds of accesses once the heap is faulted in"),
            new WorkloadParameter("accesses", Type.NUMBER, "20000", "loads each thread makes per round, uniform over the heap"),
            new WorkloadParameter("seed", Type.NUMBER, "0", "the machine's seed"));

    @Override
    public List<WorkloadParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public WorkloadRun start(MachineOps machine, Map<String, String> params) {
        Params p = new Params("threaded-faults", params);
        long size = p.size("size", 4096, 16L << 20, 1L << 42);
        int threads = (int) p.number("threads", 1, 63);
        long heap = p.size("heap", 2L << 20, 2L << 20, 1L << 40);
        if (heap % (threads * (2L << 20)) != 0) {
            throw new MmUsageException("run threaded-faults: heap must be a multiple of threads x 2M (" + threads + " x 2M), not "
                    + heap + " bytes");
        }
        long chunk = p.size("chunk", 4096, 4096, 2L << 20);
        if ((2L << 20) % chunk != 0) {
            throw new MmUsageException("run threaded-faults: chunk must divide 2M, not " + chunk + " bytes");
        }
        String promote = params.get("promote");
        if (!PROMOTE.contains(promote)) {
            throw new MmUsageException("run threaded-faults: promote must be one of " + String.join(", ", PROMOTE) + ", not '"
                    + promote + "'");
        }
        long scanSleep = p.number("scan_sleep", 1, 3_600_000);
        int rounds = (int) p.number("rounds", 0, 1_000_000);
        long accesses = p.number("accesses", 1, 1L << 30);
        long seed = p.number("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        p.boot(machine, size, seed);
        MmuSettings mmu = machine.mmu();
        if (mmu.cpus() < threads + 1) {
            // The process's own task on CPU 0 (with the kernel threads), thread k on CPU k; the
            // setting stays the machine's after the run, as mmu cpus would.
            machine.mmu(new MmuSettings(mmu.preset(), mmu.virtualized(), mmu.hostPageKb(), threads + 1));
        }
        machine.sysfs("khugepaged/scan_sleep_millisecs", Long.toString(scanSleep));
        return new ThreadedFaultsRun(machine, threads, heap, chunk, promote, scanSleep, rounds, accesses);
    }
}
