/**
 * The workload SPI: a {@link org.thplab.mm.spi.workload.Workload} is a Declarative Services
 * component, named with {@link org.thplab.mm.spi.workload.WorkloadName @WorkloadName}, that
 * drives one machine through the public {@link org.thplab.mm.api.MachineOps} only, in steps
 * ({@link org.thplab.mm.spi.workload.WorkloadRun}), so that the runtime can run it in the
 * foreground or as a background job and policies can be swapped between two of its steps. A
 * workload bundle dropped into {@code deploy/} is listed by {@code run} like the built-in ones.
 *
 * <p>Versioned on its own. 1.0.0: the first workload SPI, when {@code rfc-fork} left the core.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.thplab.mm.spi.workload;
