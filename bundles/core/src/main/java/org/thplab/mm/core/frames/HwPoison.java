package org.thplab.mm.core.frames;

import java.util.BitSet;

/**
 * Frames with an uncorrectable memory error (memory_failure(), PG_hwpoison): taken out of use
 * for good. When the folio holding one is freed, the poisoned frame does not go back to the free
 * lists (free_pages_prepare() keeps a PageHWPoison page off them) and the rest of its block is
 * freed around it; meminfo counts them as HardwareCorrupted (num_poisoned_pages).
 */
public final class HwPoison {
    /** Null while no frame is poisoned: the free path then pays one null test. */
    private BitSet poisoned;
    private long count;

    /** memory_failure(): marks the frame poisoned and counts it. */
    public void set(int pfn) {
        if (poisoned == null) {
            poisoned = new BitSet();
        }
        if (!poisoned.get(pfn)) {
            poisoned.set(pfn);
            count++;
        }
    }

    public boolean get(int pfn) {
        return poisoned != null && poisoned.get(pfn);
    }

    /** @return num_poisoned_pages */
    public long count() {
        return count;
    }

    /**
     * Buddy.free() of a block with a poisoned frame in it: frees the others one by one (they
     * merge), the poisoned ones stay {@link Frames#HWPOISON}.
     *
     * @return false, having done nothing, when no frame of [pfn, pfn+n) is poisoned
     */
    boolean freedAround(Buddy buddy, Frames f, int pfn, int n) {
        int first = poisoned == null ? -1 : poisoned.nextSetBit(pfn);
        if (first < 0 || first >= pfn + n) {
            return false;
        }
        for (int p = pfn; p < pfn + n; p++) {
            f.content[p] = 0;
            if (get(p)) {
                f.type[p] = Frames.HWPOISON;
            } else {
                f.type[p] = Frames.FREE;
                buddy.pbUsed[p >> Frames.PAGEBLOCK_ORDER]--;
                buddy.freeBlock(p, 0);
            }
        }
        return true;
    }
}
