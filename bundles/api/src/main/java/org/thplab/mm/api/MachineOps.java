package org.thplab.mm.api;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The system calls and reports of one simulated machine. Every method is one operation between
 * two events of the machine's clock; policies selected or swapped meanwhile take effect at the
 * next operation. Operations on one machine are serialised (one at a time, whatever the thread);
 * two machines run independently, on two threads at once if need be. Misuse (unknown process,
 * bad range, out-of-range value) throws {@link MmUsageException} and changes nothing; a simulated
 * system call that fails returns a {@link SyscallResult} with its errno.
 *
 * @since 2.0
 */
@ProviderType
public interface MachineOps {
    /** @return the machine's name ({@link MachineFactory#DEFAULT} for the default machine) */
    String name();

    /**
     * Boots the machine afresh with {@code bytes} of physical memory, a swap device of
     * {@code swapBytes} and a seed: every process, page and counter of the machine before is
     * gone; its tunables, policy selection and trace setting stay.
     *
     * @return {@code booted: <kB> kB memory (<frames> frames), swap <kB> kB, seed <n>}
     */
    String boot(long bytes, long swapBytes, long seed);

    /** @return what the machine was last booted with, or null before its first boot */
    BootParameters bootParameters();

    /** Creates an empty process (a new mm). */
    void spawn(String proc);

    /**
     * clone(2) with CLONE_VM | CLONE_THREAD: thread {@code thread} of the process, which shares
     * its address space and runs on a CPU of its own (the k-th thread cloned on the k-th CPU
     * after its process's, modulo {@link MmuSettings#cpus()}) with its own simulated clock. Name
     * it as {@code "PROC/THREAD"} wherever a call takes a process: {@link #touch},
     * {@link #access} and {@link #perfStat} then run or count as the thread, whose faults take
     * the mmap lock for read and wait while another task holds it for write ({@link #report}'s
     * {@code mmap_lock_read_*}). The thread exits with its process.
     *
     * @throws MmUsageException for an unknown process, a bad thread name or one the process has
     * @since 2.6
     */
    void clone(String proc, String thread);

    /**
     * Maps {@code size} bytes of anonymous, private, read-write memory, 2 MiB aligned, named
     * {@code region}, as {@link #tryMmap} does, for a caller that does not expect a refusal.
     *
     * @throws MmUsageException also when the overcommit policy refuses the mapping (the
     *         message names the ENOMEM; nothing is mapped)
     */
    default void mmap(String proc, String region, long size) {
        SyscallResult r = tryMmap(proc, region, size);
        if (!r.ok()) {
            throw new MmUsageException(r.toString());
        }
    }

    /**
     * mmap(2) of {@code size} bytes of anonymous, private, read-write memory, 2 MiB aligned,
     * named {@code region}. Such a mapping is VM_ACCOUNT: its pages are charged to Committed_AS
     * under the machine's {@link #sysctl() vm.overcommit_memory} policy (__vm_enough_memory()).
     *
     * @return OK, or ENOMEM when the policy refuses the charge (nothing is mapped or charged)
     * @since 2.5
     */
    SyscallResult tryMmap(String proc, String region, long size);

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
     * Runs {@code count} memory accesses of the process on the region, at the addresses of the
     * pattern, each through the TLBs of the CPU the process runs on ({@link #mmu()}): a load, or
     * with {@code write} a store. An access to a page that is not mapped (or a store to one
     * mapped read-only) faults as {@link #touch} does; every access costs simulated time, its
     * translation's and its data's.
     *
     * @throws MmUsageException for an unknown process or region, or a count not in 1..2^40
     * @since 2.4
     */
    SyscallResult access(String proc, String region, AccessPattern pattern, long count, boolean write);

    /**
     * @return what {@code perf stat} would count for the process: task clock, faults and MMU
     *         events of its accesses so far
     * @throws MmUsageException for an unknown process
     * @since 2.4
     */
    PerfStat perfStat(String proc);

    /**
     * Mel Gorman's four measures of a THP policy, by name, in this order: what khugepaged,
     * MADV_COLLAPSE and copy-on-write copied and the simulated time it took ({@code *_collapses},
     * {@code *_copied_bytes}, {@code *_copy_ns}, {@code cow_copies_4k}, {@code cow_copies_2m}),
     * the mmap lock's write holds ({@code mmap_lock_write_ns}, {@code _max_ns},
     * {@code _acquisitions}, and each {@code _by_<holder>}), the RAM lost to huge pages ({@code thp_never_written_bytes},
     * {@code reserved_unused_bytes}) and what delayed or absent THP cost the accesses
     * ({@code translation_cycles} against {@code translation_cycles_if_all_thp} and
     * {@code _if_all_4k}, {@code thp_slowdown_ns}). The first two are machine-wide; the others
     * are the process's, or with {@code proc} null every live process's.
     *
     * @throws MmUsageException for an unknown process
     * @since 2.4
     */
    Map<String, Long> report(String proc);

    /**
     * @return the machine's MMU: preset, nested paging, CPUs ({@link MmuSettings#DEFAULT} until set)
     * @since 2.4
     */
    MmuSettings mmu();

    /**
     * Sets the machine's MMU from now on, and for its later boots: every TLB is emptied, the
     * processes are placed on the CPUs again, the counters of perf stat stay.
     *
     * @since 2.4
     */
    void mmu(MmuSettings settings);

    /**
     * fork(2): the child gets a copy-on-write copy of the parent's address space. When its page
     * tables cannot be had the OOM killer runs; the result is SIGKILL if it chose the parent.
     */
    SyscallResult fork(String parent, String child);

    /** exit(2): tears down the process's address space. */
    void exit(String proc);

    /** Advances simulated time, running the daemons (kswapd, kcompactd, promoters) that come due. */
    void tick(long nanos);

    /**
     * Gives the frame mapped at [off] of the region a (simulated) uncorrectable memory error: the
     * process still reads its data, but a machine-check-safe copy of it (a collapse) fails.
     */
    void poison(String proc, String region, long off);

    /**
     * /proc/PID/oom_score_adj: reads, or with a value sets, how the OOM killer weighs the
     * process: -1000 (never chosen) to 1000; a child inherits it at fork.
     *
     * @param value the new adjustment, or null to read it
     * @return the adjustment now
     * @throws MmUsageException for an unknown process or a value outside -1000..1000
     */
    int oomScoreAdj(String proc, Integer value);

    /** @return smaps entries of the process, of one region or of all (region null) */
    List<SmapsEntry> smaps(String proc, String region);

    /**
     * @return /proc/PID/smaps_rollup: the process's VMAs added up and rounded once, from the first
     *     VMA's start to the last one's end; region {@code rollup}, Size the VMAs' sizes together,
     *     THPeligible false and VmFlags empty (smaps_rollup has neither)
     */
    SmapsEntry smapsRollup(String proc);

    /** @return every /proc/vmstat line, gauges first, in the kernel's order */
    Map<String, Long> vmstat();

    /**
     * @return one event counter of /proc/vmstat, as {@link #vmstat()} shows it, without building
     *         the whole table (0 before the first boot)
     * @since 2.2
     */
    long count(VmEvent event);

    /**
     * Starts recording the simulated latency of every fault from now on, into an empty
     * histogram: the time from a fault's entry until its access is served, as a user program
     * would measure it around the access. A later call starts afresh; boot stops it.
     *
     * @since 2.2
     */
    void recordFaultLatency();

    /**
     * @return a copy of the fault latencies recorded since {@link #recordFaultLatency()}, or null
     *         when the machine is not recording them
     * @since 2.2
     */
    LatencyHistogram faultLatency();

    /**
     * @return the report of OOM kill number {@code kill} (from 1), or null when there was none
     *         or it is no longer among the last 16
     * @since 2.2
     */
    OomReport oomReport(long kill);

    /** @return /proc/meminfo lines, values in kB */
    Map<String, Long> meminfo();

    /** @return /proc/buddyinfo: free blocks per order 0..10, one row per migratetype */
    Map<String, long[]> buddyinfo();

    /**
     * @return /proc/zoneinfo's header of the machine's one zone, in its order: {@code pages free},
     *         {@code boost}, {@code min}, {@code low}, {@code high}, {@code promo} (the watermarks
     *         in pages), {@code spanned}, {@code present}, {@code managed}, {@code cma}, and
     *         {@code nr_free_pages}
     * @since 2.10
     */
    Map<String, Long> zoneinfo();

    /** @return the number of pages of the region whose content differs from what the process wrote */
    long verify(String proc, String region);

    /** @return every invariant violation found (empty when the machine is consistent) */
    List<String> check();

    /**
     * @return machine statistics that are not /proc/vmstat counters, by name: simulated time,
     *         mmap lock write hold time and acquisitions, and those of the last MADV_COLLAPSE
     */
    Map<String, Long> stat();

    /**
     * @return the memory lines of /proc/PID/status in the kernel's order (task_mem(): VmPeak,
     *     VmSize, VmLck, VmPin, VmHWM, VmRSS, RssAnon, RssFile, RssShmem, VmData, VmStk, VmExe,
     *     VmLib, VmPTE, VmSwap; then HugetlbPages), in kB; then CoreDumping and THP_enabled as
     *     the numbers the file shows
     * @since 2.12
     */
    Map<String, Long> status(String proc);

    /**
     * @return /proc/PID/oom_score: the OOM killer's badness of the process scaled into 0..2000
     *         (0 when its oom_score_adj is -1000)
     */
    long oomScore(String proc);

    /**
     * @return the kernel log since boot, oldest first, each line prefixed with its simulated time
     *         as dmesg prints it ({@code [    1.234567] }): the OOM killer's reports
     */
    List<String> dmesg();

    /** @return simulated nanoseconds since boot (0 before the first boot) */
    long now();

    /** @return the names of the processes alive, in creation order */
    List<String> processes();

    /** @return the machine's tunables (its own: another machine's are not these) */
    Tunables tunables();

    /** Writes one of the machine's knobs by its sysfs path; validates like the kernel's store functions. */
    void sysfs(String knob, String value);

    /**
     * @return the machine's overcommit and watermark knobs by their sysctl names, with their
     *         values as {@code sysctl(8)} prints them: {@code vm.admin_reserve_kbytes},
     *         {@code vm.min_free_kbytes} (what the boot and THP's recommendation set, or what was
     *         written), {@code vm.overcommit_kbytes}, {@code vm.overcommit_memory},
     *         {@code vm.overcommit_ratio}, {@code vm.user_reserve_kbytes},
     *         {@code vm.watermark_scale_factor}, and thplab's
     *         {@code thplab.overcommit_guess_heuristic} ({@code 6.18} or {@code 4.19}); like the
     *         THP tunables they outlive a boot
     * @since 2.5
     */
    Map<String, String> sysctl();

    /**
     * Writes one knob by its sysctl name, as the kernel's handler does (writing
     * {@code vm.overcommit_ratio} zeroes {@code vm.overcommit_kbytes} and the other way round;
     * {@code vm.min_free_kbytes} and {@code vm.watermark_scale_factor} set the watermarks again).
     *
     * @throws MmUsageException for an unknown name or a value out of range; nothing changes
     * @since 2.5
     */
    void sysctl(String name, String value);

    /**
     * Starts a recording: from now until {@link #recordStop()}, the machine samples its /proc/vmstat
     * counters (those whose names start with one of {@code counterPrefixes}; all when the list is
     * empty), /proc/meminfo, each process's RssAnon and AnonHugePages and {@link #report}'s measures
     * every {@code intervalNanos} of simulated time, whatever operation or daemon makes time pass
     * (inside a {@code touch} or {@code access}, between two of its faults or accesses). The first
     * sample is taken now. It also starts recording fault latencies afresh, as
     * {@link #recordFaultLatency()} does; the recording keeps them. Booting the machine again (a
     * workload's run does) does not end it: it goes on with the new machine, its time counted on
     * from the old one's.
     *
     * @throws MmUsageException before the first boot, while a recording runs, for an interval
     *         below 1 µs, or for an empty prefix; nothing changes then
     * @since 2.7
     */
    void recordStart(long intervalNanos, List<String> counterPrefixes);

    /**
     * Ends the recording, with a last sample now when time moved since the one before.
     *
     * @return it
     * @throws MmUsageException when no recording runs
     * @since 2.7
     */
    Recording recordStop();

    /**
     * @return the recording that runs now (its samples so far, a copy), else the last one that
     *         ended on this machine, else null
     * @since 2.7
     */
    Recording recording();
    /**
     * A picture of physical memory now: every frame's {@link FrameState}, summarised into at most
     * {@code maxPixels} pixels (a power of two frames to a pixel, the fewest that fit). Reads the
     * frame arrays once; changes nothing.
     *
     * @throws MmUsageException before the first boot, or for maxPixels below 1
     * @since 2.8
     */
    MemoryMap memoryMap(int maxPixels);

    /**
     * What the frames {@code [pfn, pfn + count)} hold, and whose they are.
     *
     * @throws MmUsageException before the first boot, or for a range outside the machine or of
     *         more than 2^20 frames
     * @since 2.8
     */
    FrameRange frames(long pfn, int count);

    /**
     * How each region of a process is backed: resident base and huge pages, reservations, and
     * the same along its length in at most {@code cells} cells (a page-table walk at PMD level,
     * and of the PTE tables under it).
     *
     * @throws MmUsageException before the first boot, for an unknown process, or for cells below 1
     * @since 2.8
     */
    java.util.List<RegionCoverage> coverage(String proc, int cells);
}
