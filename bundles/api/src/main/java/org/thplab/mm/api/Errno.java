package org.thplab.mm.api;

/** The errno values a simulated system call can answer with, named as in Linux. */
public enum Errno {
    /**
     * Out of memory: a huge page could not be had (MADV_COLLAPSE), or a fault could not be served
     * after reclaim and the OOM killer found no process to kill.
     */
    ENOMEM,
    /** Invalid argument, or a feature this machine's bundles do not provide. */
    EINVAL,
    /** Transient page state; trying again may succeed. */
    EAGAIN,
    /** The range is busy: MADV_COLLAPSE found too many empty PTEs, or a charge failed. */
    EBUSY,
    /** The operation is not permitted on this mapping. */
    EPERM,
    /** Bad address: the range is not mapped. */
    EFAULT,
    /**
     * Not an errno: the process was killed during the call (the OOM killer chose it while it
     * faulted) and no longer exists; the call never returned to it.
     *
     * @since 1.1
     */
    SIGKILL,
    /**
     * Interrupted: the thread that made the call was interrupted (Ctrl-C in the shell), and the
     * call stopped between two of its steps; what it did before stays done.
     *
     * @since 2.3
     */
    EINTR
}
