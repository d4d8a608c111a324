package org.thplab.mm.core.mmu;

import java.util.Arrays;

/**
 * The layout of a {@link Tlb} with sets wider than 16 ways, such as the fully associative L1 dTLBs
 * of AMD and Arm cores (48 to 72 entries): an open-addressing hash index of tags, linear
 * probing, finds an entry in about one probe, and an intrusive circular doubly linked list per set
 * keeps the recency order from its front, the most recently used, so that the least recently used
 * entry is the one before the front: a miss replaces it and moves the front back onto it, with no
 * relinking at all. Primitive arrays only.
 */
final class HashedSets {
    private static final long EMPTY = Tlb.EMPTY;

    private final int ways;
    private final int setMask;
    private final int slots;
    /** By slot (set * ways + way): the tag, and its index cell. */
    private final long[] tags;
    private final int[] slotCell;
    /** By index cell: the tag (EMPTY: free) and its slot. */
    private final long[] cellTag;
    private final int[] cellSlot;
    private final int cellMask;
    private final int cellShift;
    /** By slot: the circular recency list of its set, next towards the less recently used. */
    private final int[] next;
    private final int[] prev;
    /** By set: its most recently used slot; prev[front] is the least recently used, or an empty one. */
    private final int[] front;
    private int valid;

    HashedSets(int sets, int ways) {
        this.ways = ways;
        this.setMask = sets - 1;
        this.slots = sets * ways;
        tags = new long[slots];
        Arrays.fill(tags, EMPTY);
        slotCell = new int[slots];
        int size = Integer.highestOneBit(slots * 8 - 1) << 1; // at most an eighth full: short probes, fewer mispredicted branches
        cellTag = new long[size];
        Arrays.fill(cellTag, EMPTY);
        cellSlot = new int[size];
        cellMask = size - 1;
        cellShift = 64 - Integer.numberOfTrailingZeros(size);
        next = new int[slots];
        prev = new int[slots];
        front = new int[sets];
        for (int s = 0; s < sets; s++) {
            int first = s * ways;
            front[s] = first;
            for (int w = 0; w < ways; w++) {
                next[first + w] = first + (w + 1) % ways;
                prev[first + w] = first + (w + ways - 1) % ways;
            }
        }
    }

    int size() {
        return valid;
    }

    private int home(long tag) {
        return (int) ((tag * 0x9E3779B97F4A7C15L) >>> cellShift);
    }

    private int set(long tag) {
        return (int) tag & setMask;
    }

    /** @return the cell that holds {@code tag}, or -1 */
    private int cell(long tag) {
        for (int h = home(tag); ; h = (h + 1) & cellMask) {
            long t = cellTag[h];
            if (t == tag) {
                return h;
            }
            if (t == EMPTY) {
                return -1;
            }
        }
    }

    boolean contains(long tag) {
        return cell(tag) >= 0;
    }

    boolean lookup(long tag) {
        int c = cell(tag);
        if (c < 0) {
            return false;
        }
        toFront(cellSlot[c], set(tag));
        return true;
    }

    /** As {@link Tlb#access}. */
    boolean access(long tag) {
        int set = set(tag);
        int f = front[set];
        if (tags[f] == tag) {
            return true; // the most recently used already: nothing changes (the common hit of a loop over a page)
        }
        int home = home(tag);
        int h = home;
        for (long t; (t = cellTag[h]) != EMPTY; h = (h + 1) & cellMask) {
            if (t == tag) {
                toFront(cellSlot[h], set);
                return true;
            }
        }
        int v = prev[f]; // the least recently used slot of the set; empty ones are kept last
        if (tags[v] != EMPTY) {
            // The deletion leaves one free cell; if it lies on the tag's probe path before h, the
            // tag goes there (every cell before it on the path is still taken).
            int freed = unindex(slotCell[v]);
            if (((freed - home) & cellMask) < ((h - home) & cellMask)) {
                h = freed;
            }
        } else {
            valid++;
        }
        tags[v] = tag;
        cellTag[h] = tag;
        cellSlot[h] = v;
        slotCell[v] = h;
        front[set] = v; // the circle turns: the least recently used is the most recently used now
        return false;
    }

    /** Takes every entry, index cell and list link of {@code o}, a twin of the same geometry. */
    void copyFrom(HashedSets o) {
        System.arraycopy(o.tags, 0, tags, 0, tags.length);
        System.arraycopy(o.slotCell, 0, slotCell, 0, slotCell.length);
        System.arraycopy(o.cellTag, 0, cellTag, 0, cellTag.length);
        System.arraycopy(o.cellSlot, 0, cellSlot, 0, cellSlot.length);
        System.arraycopy(o.next, 0, next, 0, next.length);
        System.arraycopy(o.prev, 0, prev, 0, prev.length);
        System.arraycopy(o.front, 0, front, 0, front.length);
        valid = o.valid;
    }

    int remove(long tag) {
        int c = cell(tag);
        if (c < 0) {
            return 0;
        }
        removeSlot(cellSlot[c]);
        return 1;
    }

    /** Drops the entries of {@code asid} (-1: any) of the kinds in {@code kinds} that cover any byte of [start, end). */
    int invalidateWhere(int asid, int kinds, long start, long end) {
        int n = 0;
        for (int s = 0; s < slots; s++) {
            long t = tags[s];
            if (t != EMPTY && (asid < 0 || Tlb.asidOf(t) == asid) && (kinds >>> Tlb.kindOf(t) & 1) != 0
                    && Tlb.overlaps(t, start, end)) {
                removeSlot(s);
                n++;
            }
        }
        return n;
    }

    private void removeSlot(int s) {
        unindex(slotCell[s]);
        tags[s] = EMPTY;
        valid--;
        int set = s / ways;
        if (front[set] == s) {
            front[set] = next[s]; // the circle's order is the order wanted: s is the last already
        } else {
            // The set's next victim: just before the front.
            unlink(s);
            linkBefore(s, front[set]);
        }
    }

    private void toFront(int s, int set) {
        int f = front[set];
        if (f != s) {
            if (prev[f] != s) {
                unlink(s);
                linkBefore(s, f);
            } // else s is the least recently used, just before the front: turning the circle is enough
            front[set] = s;
        }
    }

    private void unlink(int s) {
        int p = prev[s];
        int n = next[s];
        next[p] = n;
        prev[n] = p;
    }

    private void linkBefore(int s, int at) {
        int p = prev[at];
        next[p] = s;
        prev[s] = p;
        next[s] = at;
        prev[at] = s;
    }

    /**
     * Frees cell {@code hole} by backward-shift deletion (Knuth Vol. 3, 6.4, Algorithm R).
     *
     * @return the cell left free
     */
    private int unindex(int hole) {
        int m = cellMask;
        for (int j = (hole + 1) & m; cellTag[j] != EMPTY; j = (j + 1) & m) {
            int k = home(cellTag[j]);
            if (((j - k) & m) >= ((j - hole) & m)) { // the hole lies between its home and j: move it back
                cellTag[hole] = cellTag[j];
                cellSlot[hole] = cellSlot[j];
                slotCell[cellSlot[hole]] = hole;
                hole = j;
            }
        }
        cellTag[hole] = EMPTY;
        return hole;
    }
}
