/**
 * The public model of a thplab machine: the {@link org.thplab.mm.api.MemoryManager} service that
 * the shell, workloads and tests drive, the tunables with their sysfs names, the vmstat counters
 * with the kernel's names, and the result types of simulated system calls.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.thplab.mm.api;
