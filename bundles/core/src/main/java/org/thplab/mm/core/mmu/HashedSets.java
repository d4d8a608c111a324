package org.thplab.mm.core.mmu;

import java.util.Arrays;

/**
 * The layout of a {@link Tlb} with sets wider than 16 ways, such as the fully associative L1 dTLBs
 * of AMD and Arm cores (48 to 72 entries): a chained hash index of tags (a bucket holds its first
 * slot, each slot the next slot of its bucket), at most a quarter as many entries as buckets, so a
 * lookup reads about one bucket and a miss one empty one; and an intrusive circular doubly linked
 * list per set that keeps the recency order from its front, the most recently used, so that the
 * least recently used entry is the one before the front: a miss replaces it and moves the front
 * back onto it, with no relinking at all. Primitive arrays only.
 */
final class HashedSets {
    private static final long EMPTY = Tlb.EMPTY;
    private static final int NONE = -1;

    private final int ways;
    private final int setMask;
    private final int slots;
    /** By slot (set * ways + way): the tag, and the next slot of its bucket (NONE: the last). */
    private final long[] tags;
    private final int[] chain;
    /** By bucket: its first slot, or NONE. */
    private final int[] bucket;
    private final int bucketShift;
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
        chain = new int[slots];
        // Measured against open addressing with backward-shift deletion (an eighth full): a uniform
        // miss on a 1 x 72 array 8.8 -> 6.7 ns; a deletion unlinks one slot instead of moving cells.
        int size = Integer.highestOneBit(slots * 4 - 1) << 1;
        bucket = new int[size];
        Arrays.fill(bucket, NONE);
        bucketShift = 64 - Integer.numberOfTrailingZeros(size);
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
        return (int) ((tag * 0x9E3779B97F4A7C15L) >>> bucketShift);
    }

    private int set(long tag) {
        return (int) tag & setMask;
    }

    /** @return the slot that holds {@code tag}, or NONE */
    private int slot(long tag) {
        int s = bucket[home(tag)];
        while (s != NONE && tags[s] != tag) {
            s = chain[s];
        }
        return s;
    }

    boolean contains(long tag) {
        return slot(tag) != NONE;
    }

    boolean lookup(long tag) {
        int s = slot(tag);
        if (s == NONE) {
            return false;
        }
        toFront(s, set(tag));
        return true;
    }

    /** As {@link Tlb#access}. */
    boolean access(long tag) {
        int set = set(tag);
        int f = front[set];
        if (tags[f] == tag) {
            return true; // the most recently used already: nothing changes (the common hit of a loop over a page)
        }
        int h = home(tag);
        for (int s = bucket[h]; s != NONE; s = chain[s]) {
            if (tags[s] == tag) {
                toFront(s, set);
                return true;
            }
        }
        int v = prev[f]; // the least recently used slot of the set; empty ones are kept last
        if (tags[v] != EMPTY) {
            unindex(v);
        } else {
            valid++;
        }
        tags[v] = tag;
        chain[v] = bucket[h];
        bucket[h] = v;
        front[set] = v; // the circle turns: the least recently used is the most recently used now
        return false;
    }

    /** Takes every entry, index link and list link of {@code o}, a twin of the same geometry. */
    void copyFrom(HashedSets o) {
        System.arraycopy(o.tags, 0, tags, 0, tags.length);
        System.arraycopy(o.chain, 0, chain, 0, chain.length);
        System.arraycopy(o.bucket, 0, bucket, 0, bucket.length);
        System.arraycopy(o.next, 0, next, 0, next.length);
        System.arraycopy(o.prev, 0, prev, 0, prev.length);
        System.arraycopy(o.front, 0, front, 0, front.length);
        valid = o.valid;
    }

    int remove(long tag) {
        int s = slot(tag);
        if (s == NONE) {
            return 0;
        }
        removeSlot(s);
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
        unindex(s);
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

    /** Takes slot {@code v}, which holds a tag, out of its bucket's chain. */
    private void unindex(int v) {
        int h = home(tags[v]);
        int s = bucket[h];
        if (s == v) {
            bucket[h] = chain[v];
            return;
        }
        while (chain[s] != v) {
            s = chain[s];
        }
        chain[s] = chain[v];
    }
}
