package org.thplab.mm.core.vma;

import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;

/**
 * The mmap lock taken for write (mmap_write_lock()) by collapse and promotion, and what it cost:
 * the total and longest hold and the number of acquisitions, over every address space.
 */
public final class MmapLock {
    private final Clock clock;
    public long writeNs;
    public long writeAcquisitions;
    public long writeMaxNs;

    public MmapLock(Clock clock) {
        this.clock = clock;
    }

    public void lockWrite(AddressSpace mm) {
        if (mm.mmapWriteSince >= 0) {
            throw new IllegalStateException("the mmap lock of " + mm.name + " is already held for write");
        }
        clock.charge(CostModel.MMAP_LOCK);
        mm.mmapWriteSince = clock.now();
        writeAcquisitions++;
    }

    public void unlockWrite(AddressSpace mm) {
        if (mm.mmapWriteSince < 0) {
            throw new IllegalStateException("the mmap lock of " + mm.name + " is not held for write");
        }
        long held = clock.now() - mm.mmapWriteSince;
        writeNs += held;
        writeMaxNs = Math.max(writeMaxNs, held);
        mm.mmapWriteSince = -1;
    }
}
