/**
 * The public model of thplab machines: {@link org.thplab.mm.api.MachineFactory}, which makes
 * independent named machines; each machine's {@link org.thplab.mm.api.MachineOps} (system calls,
 * reports, tunables), {@link org.thplab.mm.api.PolicyAdmin} (its policy selection) and
 * {@link org.thplab.mm.api.Tracing}; {@link org.thplab.mm.api.Workloads} (built-in workloads and
 * background jobs); the tunables with their sysfs names, the vmstat counters with the kernel's
 * names, and the result types of simulated system calls.
 *
 * <p>2.0: {@code MemoryManager}, the one service of the one machine, is split into these.
 * 2.1: {@link org.thplab.mm.api.VmEvent} holds every THP event counter of Linux 6.18, in the
 * kernel's order (with {@code THP_UNDERUSED_SPLIT_PAGE}, which the underused shrinker moves).
 * 2.2: what a workload outside the core needs: {@link org.thplab.mm.api.MachineOps#count},
 * fault latency ({@link org.thplab.mm.api.LatencyHistogram}), {@link org.thplab.mm.api.OomReport};
 * {@link org.thplab.mm.api.Workloads} lists the installed workloads and their
 * {@link org.thplab.mm.api.WorkloadParameter}s.
 * 2.3: {@link org.thplab.mm.api.MachineFactory#checkConfiguration} checks a configuration whole
 * before it is written; {@link org.thplab.mm.api.Errno#EINTR}, the answer of a call whose thread
 * was interrupted.
 * 2.4: memory accesses through the MMU ({@link org.thplab.mm.api.MachineOps#access},
 * {@link org.thplab.mm.api.MachineOps#perfStat}, {@link org.thplab.mm.api.MachineOps#mmu}) and
 * {@link org.thplab.mm.api.MachineOps#report}.
 * 2.5: overcommit accounting: {@link org.thplab.mm.api.MachineOps#sysctl()} and
 * {@link org.thplab.mm.api.MachineOps#tryMmap}, an mmap that may answer ENOMEM.
 * 2.6: {@link org.thplab.mm.api.Workloads#runResult} runs a workload and returns its figures by
 * name ({@link org.thplab.mm.api.WorkloadResult}, for {@code run --json}) and may tell a
 * {@link org.thplab.mm.api.WorkloadProgress} how the run goes (the shell's progress line).
 * Also 2.6: threads of a process ({@link org.thplab.mm.api.MachineOps#clone}, "PROC/THREAD" names),
 * each on its own CPU and clock, and the mmap lock's read waits in
 * {@link org.thplab.mm.api.MachineOps#report} and a thread's {@link org.thplab.mm.api.PerfStat}.
 * 2.7: recordings ({@link org.thplab.mm.api.MachineOps#recordStart}, {@link org.thplab.mm.api.Recording}):
 * the counters sampled at intervals of simulated time; {@link org.thplab.mm.api.LatencyHistogram#buckets}.
 * 2.8: {@link org.thplab.mm.api.MachineOps#memoryMap}, {@link org.thplab.mm.api.MachineOps#frames} and
 * {@link org.thplab.mm.api.MachineOps#coverage} (the web view's pictures), {@link org.thplab.mm.api.SimulatedMachine#watch}.
 * 2.9: {@link org.thplab.mm.api.ByteSize}, the one reading of "64G" that the shell, sweep specs, the web API and access
 * patterns share.
 * 2.10: {@link org.thplab.mm.api.MachineOps#zoneinfo}.
 * 2.11: {@link org.thplab.mm.api.SmapsEntry} holds every smaps line Linux computes for anonymous
 * memory (Pss, Pss_Dirty, Shared_/Private_Clean/Dirty, Referenced, Anonymous, SwapPss);
 * {@link org.thplab.mm.api.MachineOps#smapsRollup}.
 * 2.12: {@link org.thplab.mm.api.PerfStat#elapsedNs}, the simulated time since the process or
 * thread was made (perf stat's "seconds time elapsed"); {@link org.thplab.mm.api.MachineOps#status},
 * /proc/PID/status's memory lines.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.12.0")
package org.thplab.mm.api;
