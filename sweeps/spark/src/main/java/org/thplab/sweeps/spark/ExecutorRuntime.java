package org.thplab.sweeps.spark;

import java.util.Map;
import org.thplab.embedded.BundledPolicies;
import org.thplab.embedded.BundledWorkloads;
import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.shell.SweepCommand;
import org.thplab.mm.sweep.Cell;
import org.thplab.mm.sweep.CellRunner;
import org.thplab.mm.sweep.SweepSpec;

/**
 * The thplab runtime of one JVM (an executor's, or the driver's for its checks): the core with
 * every bundled policy and workload registered by hand, made at the first cell and kept, as SCR
 * would make it in the framework. Its machines are independent, so the cells an executor runs at
 * once (one per core) share it safely.
 */
final class ExecutorRuntime {
    private ExecutorRuntime() {
    }

    private static final class Holder {
        static final MmRuntime RUNTIME = assemble();
    }

    static MmRuntime assemble() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        BundledWorkloads.register(rt::registerWorkload);
        return rt;
    }

    /** @return this JVM's runtime, made on first use */
    static MmRuntime runtime() {
        return Holder.RUNTIME;
    }

    /** A task: one cell on this JVM's runtime, its script (if any) through the shell's commands. */
    static Map<String, Object> run(SweepSpec spec, Cell cell) {
        MmRuntime rt = runtime();
        return new CellRunner(rt, rt, SweepCommand.scripts(rt, rt)).run(spec, cell);
    }
}
