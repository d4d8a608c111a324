package org.thplab.mm.shell;

import org.thplab.embedded.BundledPolicies;
import org.thplab.embedded.BundledWorkloads;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.core.runtime.MmRuntime;

/** The runtime with the bundled policies, wired by hand as SCR wires them in the framework. */
final class Harness {
    private Harness() {
    }

    static MmRuntime runtime() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        BundledWorkloads.register(rt::registerWorkload);
        return rt;
    }

    /** The shell over a runtime, on its default machine. */
    static Commands commands(MmRuntime rt) {
        return new Commands(rt, rt);
    }

    /** The default machine's operations. */
    static MachineOps ops(MmRuntime rt) {
        return rt.defaultMachine().ops();
    }
}
