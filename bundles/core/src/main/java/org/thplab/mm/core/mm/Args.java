package org.thplab.mm.core.mm;

import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;

import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Region;
import org.thplab.mm.core.vma.Task;
import org.thplab.mm.core.vma.Tasks;

/** The argument checks of the system calls: user input is resolved here or rejected with a message that names it. */
final class Args {
    private final Tasks tasks;

    Args(Tasks tasks) {
        this.tasks = tasks;
    }

    /** @return a tick's duration, checked against the clock's end (nanoseconds in a long: about 292 years) */
    static long tick(long nanos, long now) {
        if (nanos < 0) {
            throw new MmUsageException("tick: negative duration");
        } else if (nanos > Long.MAX_VALUE - now) {
            throw new MmUsageException("tick: " + nanos + " ns would take the simulated clock past its end (2^63 ns,"
                    + " about 292 years); at most " + (Long.MAX_VALUE - now) + " ns are left");
        }
        return nanos;
    }

    /** @return an access run's count, from 1 to 2^40 */
    static long accessCount(long count) {
        if (count < 1 || count > 1L << 40) {
            throw new MmUsageException("access: the count must be from 1 to 2^40, not " + count);
        }
        return count;
    }

    /**
     * A process, or with "PROC/THREAD" one of its threads: the process's mm, with
     * {@code mm.current} the thread the operation runs as (null: the process's own task).
     */
    AddressSpace proc(String cmd, String name) {
        int slash = name.indexOf('/');
        String proc = slash < 0 ? name : name.substring(0, slash);
        AddressSpace mm = tasks.procs.get(proc);
        if (mm == null) {
            throw new MmUsageException(cmd + ": no process '" + proc + "'");
        }
        Task t = slash < 0 ? null : mm.threads.get(name.substring(slash + 1));
        if (slash >= 0 && t == null) {
            throw new MmUsageException(cmd + ": process '" + proc + "' has no thread '" + name.substring(slash + 1) + "'");
        }
        mm.current = t;
        return mm;
    }

    /** A new thread of a process: well named, not taken; thread k runs on the k-th CPU after its process's. */
    void newThread(String cmd, String proc, String thread, long now) {
        AddressSpace mm = proc(cmd, proc);
        checkName(cmd, thread);
        if (mm.threads.containsKey(thread)) {
            throw new MmUsageException(cmd + ": process '" + proc + "' already has a thread '" + thread + "'");
        }
        mm.threads.put(thread, new Task(thread, mm.threads.size() + 1, now));
    }

    /** A new region's name and size: a name mm has no region of yet, a positive multiple of 4K. */
    static void newRegion(String cmd, AddressSpace mm, String name, long size) {
        checkName(cmd, name);
        if (mm.regions.containsKey(name)) {
            throw new MmUsageException(cmd + ": process '" + mm.name + "' already has a region '" + name + "'");
        }
        if (size <= 0 || size % PAGE_SIZE != 0) {
            throw new MmUsageException(cmd + ": size must be a positive multiple of 4K, not " + size);
        }
    }

    static Region region(String cmd, AddressSpace mm, String name) {
        Region r = mm.regions.get(name);
        if (r == null) {
            throw new MmUsageException(cmd + ": process '" + mm.name + "' has no region '" + name + "'");
        }
        return r;
    }

    /** Validates [off, off+len) inside the region, page aligned; returns {start, end} addresses. */
    static long[] range(String cmd, Region r, long off, long len) {
        if (off % PAGE_SIZE != 0) {
            throw new MmUsageException(cmd + ": offset " + off + " is not a multiple of 4K");
        }
        if (len <= 0) {
            throw new MmUsageException(cmd + ": length must be positive");
        }
        long end = off + ((len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
        if (off >= r.size || end > r.size || end < off) {
            throw new MmUsageException(cmd + ": range " + off + "+" + len + " is outside region '" + r.name
                    + "' of " + r.size + " bytes");
        }
        return new long[] {r.start + off, r.start + end};
    }

    static void checkName(String cmd, String name) {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new MmUsageException(cmd + ": bad name '" + name + "' (letters, digits, _ . -)");
        }
    }

    /** A new process name: well formed and not taken. */
    void newProc(String cmd, String name) {
        checkName(cmd, name);
        if (tasks.procs.containsKey(name)) {
            throw new MmUsageException(cmd + ": process '" + name + "' exists");
        }
    }
}
