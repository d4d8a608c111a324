package org.thplab.mm.core.swap;

/**
 * One swap device: slots with a swap count (swap_map) and the content written to them. Clusters
 * of 512 slots serve THP swap-out whole (SWAPFILE_CLUSTER, THP_SWAP).
 */
public final class SwapDevice {
    public static final int CLUSTER = 512;
    public final int nslots;
    /** swap_map: how many swap PTEs refer to the slot; 0 = free. */
    public final int[] count;
    public final int[] content;
    private final short[] clusterUsed;
    private int cursor;
    private long used;

    public SwapDevice(int nslots) {
        this.nslots = nslots - nslots % CLUSTER;
        count = new int[this.nslots];
        content = new int[this.nslots];
        clusterUsed = new short[this.nslots / CLUSTER];
    }

    public long used() {
        return used;
    }

    public long free() {
        return nslots - used;
    }

    /** @return a free slot, or -1 when the device is full */
    public int alloc() {
        if (used >= nslots) {
            return -1;
        }
        for (int i = 0; i < nslots; i++) {
            int s = (cursor + i) % nslots;
            if (count[s] == 0) {
                cursor = s + 1;
                take(s);
                return s;
            }
        }
        return -1;
    }

    /** @return the first slot of a wholly free cluster, or -1 (get_swap_pages for a THP) */
    public int allocCluster() {
        for (int c = 0; c < clusterUsed.length; c++) {
            if (clusterUsed[c] == 0) {
                for (int i = 0; i < CLUSTER; i++) {
                    take(c * CLUSTER + i);
                }
                return c * CLUSTER;
            }
        }
        return -1;
    }

    private void take(int s) {
        count[s] = 1;
        clusterUsed[s / CLUSTER]++;
        used++;
    }

    /** Drops one reference to a slot (swap_free); the slot is free when none is left. */
    public void put(int s) {
        if (--count[s] == 0) {
            content[s] = 0;
            clusterUsed[s / CLUSTER]--;
            used--;
        }
    }

    /** The checker's part: each slot's swap count against {@code refs}, the swap PTEs found per slot, and the slots used (none when there is no device). */
    public static void check(SwapDevice swap, long[] refs, java.util.function.Consumer<String> problem) {
        if (swap == null) {
            return;
        }
        long inUse = 0;
        for (int s = 0; s < refs.length; s++) {
            if (refs[s] != swap.count[s]) {
                problem.accept("swap slot " + s + ": swap count " + swap.count[s] + " but " + refs[s] + " swap PTEs");
            }
            if (swap.count[s] > 0) {
                inUse++;
            }
        }
        if (inUse != swap.used()) {
            problem.accept("swap device says " + swap.used() + " slots used, found " + inUse);
        }
    }
}
