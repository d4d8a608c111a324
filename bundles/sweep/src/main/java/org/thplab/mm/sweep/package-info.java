/**
 * Sweeps: a YAML spec ({@link org.thplab.mm.sweep.SweepSpec}) names a workload or a script, the
 * policies, sysfs knobs and parameters to cross, the seeds and the measures to collect; it
 * expands into {@link org.thplab.mm.sweep.Cell}s, each run on a fresh machine of a
 * {@link org.thplab.mm.api.MachineFactory} by a {@link org.thplab.mm.sweep.CellRunner}, several
 * at once by {@link org.thplab.mm.sweep.LocalSweep} (or by Spark's executors, which use the same
 * runner), and the rows go to {@code results.csv} and {@code results.json}
 * ({@link org.thplab.mm.sweep.Results}). It depends on the api and Jackson only, so it runs in the
 * framework and as a plain jar alike.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.thplab.mm.sweep;
