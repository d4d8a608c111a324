package org.thplab.mm.core.vma;

/**
 * A thread of a process made by clone(CLONE_VM | CLONE_THREAD): a task_struct that shares its
 * process's mm. Thread {@code index} (1, 2, ... in clone order; the process's own task is 0) runs
 * on its own CPU with its own clock: {@link #clock} is when its last operation ended there
 * (see {@link MmapLock#enter}). What perf stat counts for it, and its waits for the mmap lock
 * taken for read, are its own; its process's counts include them.
 */
public final class Task {
    public final String name;
    public final int index;
    /** Its CPU's clock: the simulated time at which its last operation ended. */
    public long clock;
    /** When clone() made it, on its CPU's clock. */
    public final long startNs;
    public long taskClockNs;
    public long accesses;
    public long pageFaults;
    /** Its accesses' MMU events, by core.mmu.MmuEvent ordinal (null before its first access). */
    public long[] mmuEvents;
    /** Faults that found the mmap lock held for write (rwsem_down_read_slowpath()), their total and longest wait. */
    public long readWaits;
    public long readWaitNs;
    public long readWaitMaxNs;

    public Task(String name, int index, long clock) {
        this.name = name;
        this.index = index;
        this.clock = clock;
        this.startNs = clock;
    }
}
