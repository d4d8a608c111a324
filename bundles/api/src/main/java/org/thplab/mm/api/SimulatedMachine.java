package org.thplab.mm.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One simulated machine, made by {@link MachineFactory}: its own clock, seed, memory, tunables,
 * policy selection and trace buffer, seen through three focused views. Two machines share
 * nothing but the policy services, and a machine's results do not depend on what any other
 * machine does, nor on whether it runs beside others or alone.
 *
 * @since 2.0
 */
@ProviderType
public interface SimulatedMachine {
    /** @return the machine's name, unique in its factory */
    String name();

    /** @return the machine's system calls, reports and tunables */
    MachineOps ops();

    /** @return the machine's policy selection */
    PolicyAdmin policyAdmin();

    /** @return the machine's tracepoints */
    Tracing tracing();
}
