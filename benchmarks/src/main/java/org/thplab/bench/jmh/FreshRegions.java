package org.thplab.bench.jmh;

import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SyscallResult;

/**
 * Fresh, never-touched anonymous regions of one size, one at a time: {@link #map()} maps one
 * (2 MiB aligned, as every simulated mmap), {@link #unmap()} unmaps it again, so a machine's
 * memory is reused while the addresses are new. The simulated mmap never reuses an address
 * and a process's mappings must end below 8 TiB, so after {@value #ADDRESS_BUDGET_TIB} TiB of
 * mappings the process exits and a new one is spawned (outside the measured code, as map and
 * unmap are called from JMH fixtures).
 */
final class FreshRegions {
    static final String REGION = "r";
    static final int ADDRESS_BUDGET_TIB = 4;

    private final MachineOps rt;
    private final long size;
    private final long mapsPerProcess;
    private int process;
    private long maps;
    private String proc;

    FreshRegions(MachineOps rt, long size) {
        this.rt = rt;
        this.size = size;
        // Each mmap also skips to the next 2 MiB boundary and leaves a 2 MiB gap.
        this.mapsPerProcess = Math.max(1, ((long) ADDRESS_BUDGET_TIB << 40) / (size + 2 * Sim.PMD));
        this.proc = "bench0";
        rt.spawn(proc);
    }

    /** @return the process that owns the current region */
    String proc() {
        return proc;
    }

    /** Maps a fresh region named {@value #REGION} in {@link #proc()}. */
    void map() {
        if (maps == mapsPerProcess) {
            rt.exit(proc);
            proc = "bench" + ++process;
            rt.spawn(proc);
            maps = 0;
        }
        rt.mmap(proc, REGION, size);
        maps++;
    }

    /**
     * Writes the first 4 KiB of each 2 MiB of the current region, one touch each: one fault per
     * PMD-sized range, as a program that touches one byte per huge page takes.
     *
     * @return the first touch that failed, or the last result
     */
    SyscallResult touchOnePagePerPmd() {
        SyscallResult r = SyscallResult.OK;
        for (long off = 0; off < size && r.ok(); off += Sim.PMD) {
            r = rt.touch(proc, REGION, off, Sim.PAGE, true);
        }
        return r;
    }

    /** Unmaps the current region, freeing its memory. */
    void unmap() {
        rt.munmap(proc, REGION, 0, -1);
    }
}
