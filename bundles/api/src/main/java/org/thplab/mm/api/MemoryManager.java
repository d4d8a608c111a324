package org.thplab.mm.api;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One simulated machine, provided by the core bundle as an OSGi service. Every method is one
 * operation between two events of the machine's clock; policies selected or swapped meanwhile
 * take effect at the next operation. Misuse (unknown process, bad range, out-of-range value)
 * throws {@link MmUsageException} and changes nothing; a simulated system call that fails
 * returns a {@link SyscallResult} with its errno.
 */
@ProviderType
public interface MemoryManager {
    /** Boots a fresh machine of {@code bytes} physical memory with a swap device of {@code swapBytes}. */
    String boot(long bytes, long swapBytes, long seed);

    /** Creates an empty process (a new mm). */
    void spawn(String proc);

    /** Maps {@code size} bytes of anonymous, private, read-write memory, 2 MiB aligned, named {@code region}. */
    void mmap(String proc, String region, long size);

    /** Unmaps [off, off+len) of the region (all of it when len is negative). */
    void munmap(String proc, String region, long off, long len);

    /** madvise(2) on [off, off+len) of the region. */
    SyscallResult madvise(String proc, String region, long off, long len, Advice advice);

    /**
     * Reads or writes every 4 KiB page of [off, off+len) of the region, faulting as needed. When
     * memory runs out the OOM killer runs; the result is SIGKILL if it chose this process.
     */
    SyscallResult touch(String proc, String region, long off, long len, boolean write);

    /**
     * fork(2): the child gets a copy-on-write copy of the parent's address space. When its page
     * tables cannot be had the OOM killer runs; the result is SIGKILL if it chose the parent.
     */
    SyscallResult fork(String parent, String child);

    /** exit(2): tears down the process's address space. */
    void exit(String proc);

    /** Advances simulated time, running the daemons (kswapd, kcompactd, promoters) that come due. */
    void tick(long nanos);

    /** @return smaps entries of the process, of one region or of all (region null) */
    List<SmapsEntry> smaps(String proc, String region);

    /** @return every /proc/vmstat line, gauges first, in the kernel's order */
    Map<String, Long> vmstat();

    /** @return /proc/meminfo lines, values in kB */
    Map<String, Long> meminfo();

    /** @return /proc/buddyinfo: free blocks per order 0..10, one row per migratetype */
    Map<String, long[]> buddyinfo();

    /** @return the number of pages of the region whose content differs from what the process wrote */
    long verify(String proc, String region);

    /** @return every invariant violation found (empty when the machine is consistent) */
    List<String> check();

    /** @return the machine's tunables */
    Tunables tunables();

    /** Writes a knob by its sysfs path; validates like the kernel's store functions. */
    void sysfs(String knob, String value);

    /** @return the policies of every kind */
    List<PolicyInfo> policies();

    /** Selects the active policy of a kind (or enables/disables a promoter). */
    void usePolicy(String kind, String name);

    /**
     * Gives the frame mapped at [off] of the region a (simulated) uncorrectable memory error: the
     * process still reads its data, but a machine-check-safe copy of it (a collapse) fails.
     */
    void poison(String proc, String region, long off);

    /**
     * Runs a built-in workload on a freshly booted machine and returns its report. Workloads:
     * {@code rfc-fork} with {@code size}, {@code chunk}, {@code swap} (bytes), {@code pattern}
     * ({@code one} or {@code random}), {@code seed} and {@code max} (children).
     */
    String run(String workload, Map<String, String> params);

    /**
     * Starts {@link #run} in the background: the workload runs step by step (one 2 MiB region
     * a step) on its own thread, and commands, policy swaps and bundle changes act between two
     * steps. Not deterministic relative to the commands typed meanwhile.
     *
     * @return the job's number
     */
    int runBackground(String workload, Map<String, String> params);

    /** @return one line per background job: number, workload, state, progress or report */
    List<String> jobs();

    /** Stops a background job at its next step; returns its report. */
    String stop(int job);

    /** Turns tracepoint recording on or off. */
    void trace(boolean on);

    /** @return and clears the recorded tracepoint lines */
    List<String> traceDump();

    /**
     * /proc/PID/oom_score_adj: reads, or with a value sets, how the OOM killer weighs the
     * process: -1000 (never chosen) to 1000; a child inherits it at fork.
     *
     * @param value the new adjustment, or null to read it
     * @return the adjustment now
     * @throws MmUsageException for an unknown process or a value outside -1000..1000
     * @since 1.1
     */
    int oomScoreAdj(String proc, Integer value);

    /**
     * @return /proc/PID/oom_score: the OOM killer's badness of the process scaled into 0..2000
     *         (0 when its oom_score_adj is -1000)
     * @since 1.1
     */
    long oomScore(String proc);

    /**
     * @return the kernel log since boot, oldest first, each line prefixed with its simulated time
     *         as dmesg prints it ({@code [    1.234567] }): the OOM killer's reports
     * @since 1.1
     */
    List<String> dmesg();

    /** @return simulated nanoseconds since boot */
    long now();

    /**
     * @return machine statistics that are not /proc/vmstat counters, by name: simulated time,
     *         mmap lock write hold time and acquisitions, and those of the last MADV_COLLAPSE
     */
    Map<String, Long> stat();

    /** @return the names of the processes alive, in creation order */
    List<String> processes();
}
