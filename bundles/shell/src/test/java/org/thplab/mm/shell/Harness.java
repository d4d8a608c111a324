package org.thplab.mm.shell;

import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.core.runtime.MmRuntime;

/** The runtime with the bundled policies, wired by hand as SCR wires them in the framework. */
final class Harness {
    private Harness() {
    }

    static MmRuntime runtime() {
        return BundledPolicies.runtime();
    }
}
