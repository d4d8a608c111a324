package org.thplab.mm.core.mm;

import static org.thplab.mm.core.frames.Frames.PAGE_SIZE;

import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Region;
import org.thplab.mm.core.vma.Tasks;

/** The argument checks of the system calls: user input is resolved here or rejected with a message that names it. */
final class Args {
    private final Tasks tasks;

    Args(Tasks tasks) {
        this.tasks = tasks;
    }

    AddressSpace proc(String cmd, String name) {
        AddressSpace mm = tasks.procs.get(name);
        if (mm == null) {
            throw new MmUsageException(cmd + ": no process '" + name + "'");
        }
        return mm;
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
