package org.thplab.mm.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Makes and finds simulated machines by name. The machine {@value #DEFAULT} always exists: it is
 * the one Configuration Admin configures (the tunables {@code org.thplab.mm.tunables} and the
 * selection {@code org.thplab.mm.policy.<kind>}), and its {@link MachineOps}, {@link PolicyAdmin}
 * and {@link Tracing} are also registered as services of their own. A machine made by
 * {@link #create} starts with a copy of the default machine's tunables and policy selection as
 * they are at that moment, and from then on changes only by what is done to it.
 *
 * @since 2.0
 */
@ProviderType
public interface MachineFactory {
    /** The name of the default machine. */
    String DEFAULT = "default";

    /**
     * Makes a new machine, not booted yet: its tunables and policy selection are a copy of the
     * default machine's.
     *
     * @throws MmUsageException when the name is taken or not a name (letters, digits, _ . -)
     */
    SimulatedMachine create(String name);

    /** @return the machine of that name, or null when there is none */
    SimulatedMachine machine(String name);

    /** @return the default machine */
    default SimulatedMachine defaultMachine() {
        return machine(DEFAULT);
    }

    /** @return the names of the machines, in the order they were made (the default first) */
    List<String> names();

    /**
     * Forgets a machine (its memory is freed once nothing refers to it); its background jobs end
     * at their next step.
     *
     * @throws MmUsageException for the default machine or an unknown name
     */
    void remove(String name);

    /**
     * Checks a configuration of thplab's before it is written: the tunables
     * ({@code org.thplab.mm.tunables}) or a policy selection ({@code org.thplab.mm.policy.<kind>}),
     * every key of it. Nothing changes.
     *
     * @return one line per problem, naming the key, the value and what is allowed (for a policy
     *         name, the registered ones); empty when every key would apply
     * @since 2.3
     */
    default List<String> checkConfiguration(String pid, java.util.Map<String, ?> properties) {
        return List.of();
    }
}
