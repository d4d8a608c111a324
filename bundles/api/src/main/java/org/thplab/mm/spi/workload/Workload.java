package org.thplab.mm.spi.workload;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.WorkloadParameter;

/**
 * A program that drives a simulated machine, provided as a service named by
 * {@link WorkloadName @WorkloadName}. It sees the machine through {@link MachineOps} only, the
 * same view any client of the public API has, and runs in steps so that commands, policy swaps
 * and bundle changes may come between two steps.
 */
@ConsumerType
public interface Workload {
    /** @return the workload's parameters, in the order {@code run} lists them */
    List<WorkloadParameter> parameters();

    /**
     * Checks the values, boots the machine afresh for the run ({@link MachineOps#boot}) and
     * prepares the run; nothing is simulated yet beyond what the preparation does.
     *
     * @param machine the machine to boot and drive
     * @param params  a value for every one of {@link #parameters()}: the runtime has filled in
     *                the defaults, checked the names and that SIZE and NUMBER values are numbers
     * @return the run, which {@link WorkloadRun#step()} advances
     * @throws org.thplab.mm.api.MmUsageException for a bad value, before the machine is booted
     */
    WorkloadRun start(MachineOps machine, Map<String, String> params);
}
