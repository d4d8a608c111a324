package org.thplab.mm.api;

/** The errno values a simulated system call can answer with, named as in Linux. */
public enum Errno {
    /** Out of memory: a fault could not be served after reclaim, or a huge page could not be had. */
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
    EFAULT
}
