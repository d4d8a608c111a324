package org.thplab.mm.spi.promote;

import org.osgi.annotation.versioning.ConsumerType;
import org.thplab.mm.api.SyscallResult;

/**
 * A promoter: turns base pages into huge pages, as a daemon on the machine's clock (khugepaged),
 * on request (MADV_COLLAPSE), or both. Several promoters may be enabled at once.
 */
@ConsumerType
public interface PromotionPolicy {
    /**
     * What {@link #nextWake} returns for a daemon with no work: it sleeps until an address space
     * enters khugepaged's list while the list is empty, and then runs at once, as khugepaged's
     * wait_event_freezable() in khugepaged_wait_work() is ended by __khugepaged_enter()'s
     * wake_up_interruptible().
     */
    long WAIT_FOR_WORK = -2;

    /**
     * @return simulated nanoseconds until this promoter wants to run again, {@link #WAIT_FOR_WORK},
     *         or -1 when it is not a daemon; asked when the promoter is enabled, after every
     *         {@link #wake} and when a tunable changes
     */
    default long nextWake(PromotionContext context) {
        return -1;
    }

    /**
     * The daemon's scan cursor on this machine (for khugepaged, khugepaged_scan's mm_slot and
     * address): everything besides the machine and its tunables that its next wakes depend on,
     * as a value whose {@code equals} says the daemon is back where it was. The core uses it to
     * skip ahead: when the daemons' wakes from one instant on changed nothing (only scanned and
     * counted) and came back to the same cursors and the same schedule, the following wakes would
     * repeat them, so a long {@code tick} adds their counters and time without running them. A
     * wake that reads the time, or keeps any other state of its own, must return null.
     *
     * @return the cursor, or null (the default) when the daemon cannot say: its wakes all run
     */
    default Object scanCursor(PromotionContext context) {
        return null;
    }

    /** Runs the daemon once. */
    default void wake(PromotionContext context) {
    }

    /**
     * MADV_COLLAPSE over [start, start+len) of the address space {@code mm}.
     *
     * @return the result, or null when this promoter does not implement MADV_COLLAPSE
     */
    default SyscallResult madviseCollapse(PromotionContext context, int mm, long start, long len) {
        return null;
    }

    /**
     * A fault mapped a page from a reservation, which now has {@code used} pages mapped; lets a
     * promoter promote synchronously at the fault that crosses its threshold.
     */
    default void reservationFaulted(PromotionContext context, int mm, long address, int used) {
    }
}
