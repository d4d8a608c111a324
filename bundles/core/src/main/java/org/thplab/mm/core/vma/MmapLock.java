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
 */
public final class MmapLock {
    private final Clock clock;
    public long writeNs;
    public long writeAcquisitions;
    public long writeMaxNs;
    /** By holder, in the order they first took the lock: {hold ns, longest hold ns, acquisitions}. */
    public final Map<String, long[]> byHolder = new LinkedHashMap<>();

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
        mm.mmapWriteSince = -1;
        mm.mmapWriter = null;
    }
}
