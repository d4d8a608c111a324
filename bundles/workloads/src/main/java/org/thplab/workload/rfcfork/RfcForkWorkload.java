package org.thplab.workload.rfcfork;

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
 * The fork test of the THP reservations RFC ("[RFC PATCH] mm: thp: implement THP reservations
 * for anonymous memory", Anthony Yznaga, November 2018), as {@code run rfc-fork}: see
 * {@link RfcForkRun} for what it does and reports.
 */
@Component
@WorkloadName("rfc-fork")
public class RfcForkWorkload implements Workload {
    static final long REGION = 2L << 20;

    private static final List<WorkloadParameter> PARAMETERS = List.of(
            new WorkloadParameter("size", Type.SIZE, Long.toString(256L << 30), "the machine's memory"),
            new WorkloadParameter("chunk", Type.SIZE, Long.toString(16L << 30), "what each child maps and touches, a multiple of 2M"),
            new WorkloadParameter("swap", Type.SIZE, "0", "the machine's swap device"),
            new WorkloadParameter("pattern", Type.WORD, "one", "one: the first page of each 2 MiB region; random: k pages, k uniform in 1..512"),
            new WorkloadParameter("seed", Type.NUMBER, "0", "the machine's seed and the pattern's"),
            new WorkloadParameter("max", Type.NUMBER, "100000", "at most this many children"),
            new WorkloadParameter("accesses", Type.NUMBER, "0",
                    "uniform loads each child makes over its chunk once it has touched it, through its TLB (0: none), weighed by the report's fourth measure"));

    @Override
    public List<WorkloadParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public WorkloadRun start(MachineOps machine, Map<String, String> params) {
        long size = Long.parseLong(params.get("size"));
        long chunk = Long.parseLong(params.get("chunk"));
        long swap = Long.parseLong(params.get("swap"));
        long seed = Long.parseLong(params.get("seed"));
        long max = Long.parseLong(params.get("max"));
        long accesses = Long.parseLong(params.get("accesses"));
        String pattern = params.get("pattern");
        if (chunk <= 0 || chunk % REGION != 0) {
            throw new MmUsageException("run rfc-fork: chunk must be a positive multiple of 2M");
        }
        if (!pattern.equals("one") && !pattern.equals("random")) {
            throw new MmUsageException("run rfc-fork: pattern must be one or random, not '" + pattern + "'");
        }
        if (accesses < 0 || accesses > 1L << 40) {
            throw new MmUsageException("run rfc-fork: accesses must be from 0 to 2^40, not " + accesses);
        }
        if (max < 0 || max > Integer.MAX_VALUE) {
            throw new MmUsageException("run rfc-fork: max must be from 0 to " + Integer.MAX_VALUE + ", not " + max);
        }
        try {
            machine.boot(size, swap, seed);
        } catch (MmUsageException e) {
            // size and swap are the boot's: its refusal, in the workload's words
            throw new MmUsageException("run rfc-fork: size=" + size + " swap=" + swap + ": " + e.getMessage());
        }
        return new RfcForkRun(machine, chunk, pattern.equals("random"), seed, (int) max, accesses);
    }
}
