package org.thplab.mm.core.vma;

import java.util.LinkedHashMap;
import java.util.Map;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;

/**
 * The mmap lock taken for write (mmap_write_lock()) by collapse and promotion, and what it cost:
 * the total and longest hold and the number of acquisitions, over every address space, in all
 * and by holder (khugepaged, madv_collapse, migration_entry, reservation, or the promotion
 * policy that took it through the SPI).
 *
 * <p>For a process with threads ({@link Task}), the lock is also a reader-writer lock in
 * simulated time, as the rwsem of include/linux/mmap_lock.h: each thread runs on its own CPU's
 * clock ({@link #enter}), each write hold of the mm is kept as [start, end) in simulated time,
 * and a thread's fault (mmap_read_lock() in the fault path; lock_vma_under_rcu()'s per-VMA lock
 * is not modelled) whose time falls in another task's write hold sleeps until its end, as
 * down_read() does until up_write() wakes it. The writer never waits for readers (a fault is
 * short beside a collapse's copy), so no reader queues behind a waiting writer either.
 */
public final class MmapLock {
    private final Clock clock;
    public long writeNs;
    public long writeAcquisitions;
    public long writeMaxNs;
    /** By holder, in the order they first took the lock: {hold ns, longest hold ns, acquisitions}. */
    public final Map<String, long[]> byHolder = new LinkedHashMap<>();

    /** Holds kept per mm: older ones no thread can reach any more go first. */
    private static final int HOLDS_KEPT = 4096;
    /** The mms whose lock is held for write. */
    private int writers;
    /** The end of the last {@code tick}: every thread slept through it, and none runs behind it. */
    private long idleUntil;

    public MmapLock(Clock clock) {
        this.clock = clock;
    }

    public void lockWrite(AddressSpace mm, String holder) {
        if (mm.mmapWriteSince >= 0) {
            throw new IllegalStateException("the mmap lock of " + mm.name + " is already held for write");
        }
        clock.charge(CostModel.MMAP_LOCK);
        mm.mmapWriteSince = clock.now();
        mm.mmapWriter = holder;
        writers++;
        writeAcquisitions++;
        byHolder.computeIfAbsent(holder, h -> new long[3])[2]++;
    }

    public void unlockWrite(AddressSpace mm) {
        if (mm.mmapWriteSince < 0) {
            throw new IllegalStateException("the mmap lock of " + mm.name + " is not held for write");
        }
        long held = clock.now() - mm.mmapWriteSince;
        writeNs += held;
        writeMaxNs = Math.max(writeMaxNs, held);
        long[] h = byHolder.get(mm.mmapWriter);
        h[0] += held;
        h[1] = Math.max(h[1], held);
        if (!mm.threads.isEmpty()) {
            // A hold taken in a task's own call (MADV_COLLAPSE, a fault's reservation promotion)
            // is its thread's, which never waits on itself; khugepaged's and promotion's are a kernel thread's.
            boolean task = mm.current != null && (mm.mmapWriter.equals("madv_collapse") || mm.mmapWriter.equals("reservation"));
            long oldest = Long.MAX_VALUE;
            for (Task t : mm.threads.values()) {
                oldest = Math.min(oldest, Math.max(t.clock, idleUntil));
            }
            while (!mm.writeHolds.isEmpty() && (mm.writeHolds.size() >= HOLDS_KEPT || mm.writeHolds.peekFirst()[1] <= oldest)) {
                mm.writeHolds.pollFirst();
            }
            mm.writeHolds.addLast(new long[] {mm.mmapWriteSince, clock.now(), task ? mm.current.index : 0});
        }
        mm.mmapWriteSince = -1;
        mm.mmapWriter = null;
        writers--;
    }

    /** @return how many mms' locks are held for write now (a promoter's call must leave none) */
    public int writers() {
        return writers;
    }

    /** Every thread slept through a tick: none runs behind its end. */
    public void idle() {
        idleUntil = clock.now();
    }

    /**
     * The operation of {@code mm.current} begins: time goes back to its thread's CPU clock (the
     * end of its last operation, or of the last tick); for the process's own task it stays.
     *
     * @return the machine's time, for {@link #leave}
     */
    public long enter(AddressSpace mm) {
        return mm.current == null ? clock.now() : clock.rewind(Math.max(mm.current.clock, idleUntil));
    }

    /** The operation ends: the thread's CPU clock is where it got, the machine's the latest of all. */
    public void leave(AddressSpace mm, long machine) {
        if (mm.current != null) {
            mm.current.clock = clock.now();
            clock.resume(machine);
        }
    }

    /**
     * A fault of {@code mm.current}, begun at {@code at}, took the lock for read: if another
     * task held it for write then, the thread slept until up_write() (rwsem_down_read_slowpath()),
     * and the wait is the thread's. Holds never overlap, so one at most covers {@code at}.
     */
    public void lockRead(AddressSpace mm, long at) {
        Task t = mm.current;
        if (t == null) {
            return;
        }
        for (long[] h : mm.writeHolds) {
            if (h[0] <= at && at < h[1] && h[2] != t.index) {
                long w = h[1] - at;
                clock.charge(w);
                t.readWaits++;
                t.readWaitNs += w;
                t.readWaitMaxNs = Math.max(t.readWaitMaxNs, w);
                return;
            }
        }
    }

    /**
     * The read waits of the threads of {@code mms}, when any has threads: in all, then by
     * "PROC/THREAD" (count, total ns, longest ns); the process's own task never waits.
     */
    public void readWaits(java.util.List<AddressSpace> mms, Map<String, Long> into) {
        long n = 0;
        long ns = 0;
        long max = 0;
        Map<String, Long> by = new LinkedHashMap<>();
        boolean any = false;
        for (AddressSpace mm : mms) {
            for (Task t : mm.threads.values()) {
                any = true;
                n += t.readWaits;
                ns += t.readWaitNs;
                max = Math.max(max, t.readWaitMaxNs);
                by.put("mmap_lock_read_waits_by_" + mm.name + "/" + t.name, t.readWaits);
                by.put("mmap_lock_read_wait_ns_by_" + mm.name + "/" + t.name, t.readWaitNs);
                by.put("mmap_lock_read_wait_max_ns_by_" + mm.name + "/" + t.name, t.readWaitMaxNs);
            }
        }
        if (any) {
            into.put("mmap_lock_read_waits", n);
            into.put("mmap_lock_read_wait_ns", ns);
            into.put("mmap_lock_read_wait_max_ns", max);
            into.putAll(by);
        }
    }
}
