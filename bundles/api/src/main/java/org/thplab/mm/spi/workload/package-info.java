/**
 * The workload SPI: a {@link org.thplab.mm.spi.workload.Workload} is a Declarative Services
 * component, named with {@link org.thplab.mm.spi.workload.WorkloadName @WorkloadName}, that
 * drives one machine through the public {@link org.thplab.mm.api.MachineOps} only, in steps
 * ({@link org.thplab.mm.spi.workload.WorkloadRun}), so that the runtime can run it in the
 * foreground or as a background job and policies can be swapped between two of its steps. A
 * workload bundle dropped into {@code deploy/} is listed by {@code run} like the built-in ones.
 *
 * <p>Versioned on its own. 1.0.0: the first workload SPI, when {@code rfc-fork} left the core.
 * 1.1.0: {@link org.thplab.mm.spi.workload.WorkloadRun#results()}, a run's figures by name for
 * {@code run --json}, and {@link org.thplab.mm.spi.workload.WorkloadRun#fraction()}, how far it is
 * for the progress line; both default methods, so a workload built against 1.0 runs unchanged
 * (its results are its text report, its fraction unknown).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.thplab.mm.spi.workload;
