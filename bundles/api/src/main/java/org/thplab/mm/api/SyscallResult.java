package org.thplab.mm.api;

/**
 * The outcome of a simulated system call (madvise, a touch that faults): success, or an errno
 * with a human-readable reason. A failed system call is a normal result, not a misuse.
 *
 * @param errno  the error, or {@code null} on success
 * @param reason why it failed, empty on success
 */
public record SyscallResult(Errno errno, String reason) {
    /** The successful result. */
    public static final SyscallResult OK = new SyscallResult(null, "");

    /** @return a failed result with this errno and reason */
    public static SyscallResult fail(Errno errno, String reason) {
        return new SyscallResult(errno, reason);
    }

    /** @return true when the call succeeded */
    public boolean ok() {
        return errno == null;
    }

    @Override
    public String toString() {
        return ok() ? "ok" : errno + ": " + reason;
    }
}
