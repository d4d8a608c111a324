package org.thplab.mm.core.runtime;

import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.MachineOps;

/** A runtime with the bundled policies, its default machine booted: the start of most core tests. */
final class Booted {
    private Booted() {
    }

    /**
     * The default machine of a new runtime, booted with {@code bytes} of RAM, no swap, seed 0,
     * after the promoter selection changes given ({@code "-khugepaged"}).
     */
    static MachineOps machine(long bytes, String... promoterChanges) {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        for (String c : promoterChanges) {
            rt.defaultMachine().policyAdmin().usePolicy("promotion", c);
        }
        MachineOps mm = rt.defaultMachine().ops();
        mm.boot(bytes, 0, 0);
        return mm;
    }
}
