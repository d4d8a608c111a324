package org.thplab.mm.core.mmu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.thplab.mm.core.mmu.MmuPreset.Geometry;

/**
 * One translation array: a set-associative cache of translations with true LRU replacement
 * within each set (fully associative is one set). An entry is keyed by (address space id,
 * virtual page number, kind), packed into one long tag: a leaf translation of 4 KiB, 2 MiB or
 * 1 GiB, or a paging-structure entry (PDE, PDPTE, PML4E: Intel SDM Vol. 3A §4.10.3), so that one
 * array can also hold the walk entries where a core keeps them in its L2 TLB (AMD, Arm).
 *
 * <p>A set of up to 16 ways (every L2 TLB and walk cache of the presets) is a run of tags
 * ordered from the most to the least recently used, empty slots last: a lookup scans it and
 * moves what it passes one way down, which is the LRU update and, on a miss, the fill (measured
 * faster on this box than keeping the order in nibbles with 16-bit signatures compared four at a
 * time). Wider sets (the fully associative L1s of AMD and Arm cores, 48 to 72 entries) are
 * {@link HashedSets}. Neither allocates after construction.
 */
public final class Tlb {
    /** Entry kinds: leaves, then paging-structure entries. */
    public static final int K4K = 0;
    public static final int K2M = 1;
    public static final int K1G = 2;
    public static final int PDE = 3;
    public static final int PDPTE = 4;
    public static final int PML4E = 5;
    public static final int LEAF_KINDS = 1 << K4K | 1 << K2M | 1 << K1G;
    public static final int WALK_KINDS = 1 << PDE | 1 << PDPTE | 1 << PML4E;
    public static final int ALL_KINDS = LEAF_KINDS | WALK_KINDS;

    /** 4-level paging: 48-bit linear addresses; room for more address spaces than PCID's 12 bits (SDM §4.10.1). */
    public static final int VA_BITS = 48;
    public static final int ASID_BITS = 24;
    private static final int KIND_AT = VA_BITS - 12;
    private static final int ASID_AT = KIND_AT + 3;
    private static final long VPN_MASK = (1L << KIND_AT) - 1;
    static final long EMPTY = -1;
    static final int MAX_SET_WAYS = 16;
    private final int sets;
    private final int ways;
    private final int setMask;
    private final long[] tags;
    private final HashedSets wide;

    /** @param sets a power of two (1: fully associative) */
    public Tlb(int sets, int ways) {
        if (sets < 1 || Integer.bitCount(sets) != 1 || ways < 1 || (long) sets * ways > 1 << 20) {
            throw new IllegalArgumentException("a TLB of " + sets + " sets x " + ways + " ways");
        }
        this.sets = sets;
        this.ways = ways;
        this.setMask = sets - 1;
        if (ways > MAX_SET_WAYS) {
            wide = new HashedSets(sets, ways);
            tags = null;
            return;
        }
        wide = null;
        tags = new long[sets * ways];
        Arrays.fill(tags, EMPTY);
    }

    /** @return the tag of the entry of {@code kind} that translates {@code va} (below 2^48) in address space {@code asid} */
    public static long tag(int asid, long va, int kind) {
        return va >>> shift(kind) | (long) kind << KIND_AT | (long) asid << ASID_AT;
    }

    /** @return log2 of the bytes one entry of {@code kind} covers */
    public static int shift(int kind) {
        return switch (kind) {
            case K4K -> 12;
            case K2M, PDE -> 21;
            case K1G, PDPTE -> 30;
            case PML4E -> 39;
            default -> throw new IllegalArgumentException("kind " + kind);
        };
    }

    static int kindOf(long tag) {
        return (int) (tag >>> KIND_AT) & 7;
    }

    static int asidOf(long tag) {
        return (int) (tag >>> ASID_AT);
    }

    /** @return whether the entry of {@code tag} covers any byte of [start, end) */
    static boolean overlaps(long tag, long start, long end) {
        int shift = shift(kindOf(tag));
        long first = (tag & VPN_MASK) << shift;
        return first < end && start < first + (1L << shift);
    }

    public int sets() {
        return sets;
    }

    public int ways() {
        return ways;
    }

    /** @return the entries held now */
    public int size() {
        if (wide != null) {
            return wide.size();
        }
        int n = 0;
        for (long t : tags) {
            n += t != EMPTY ? 1 : 0;
        }
        return n;
    }

    /**
     * A lookup that fills on a miss, what a translation does to each array it misses (the next
     * level or the walk fills it): the entry is the most recently used of its set afterwards, and
     * on a miss the least recently used one of a full set is gone.
     *
     * @return whether the entry was held
     */
    public boolean access(long tag) {
        if (wide != null) {
            return wide.access(tag);
        }
        long[] a = tags;
        long carry = tag;
        // An empty slot is a tag nothing equals: it moves down like an entry and drops off the end.
        for (int i = ((int) tag & setMask) * ways, end = i + ways; i < end; i++) {
            long x = a[i];
            a[i] = carry;
            if (x == tag) {
                return true;
            }
            carry = x;
        }
        return false; // the least recently used (or an empty slot), carried past the end, is gone
    }

    /** @return whether the entry is held, making it the most recently used of its set */
    public boolean lookup(long tag) {
        if (wide != null) {
            return wide.lookup(tag);
        }
        int s = find(tag);
        if (s < 0) {
            return false;
        }
        int base = s - s % ways;
        for (int j = s; j > base; j--) {
            tags[j] = tags[j - 1];
        }
        tags[base] = tag;
        return true;
    }

    /** @return whether the entry is held; the replacement order does not change */
    public boolean contains(long tag) {
        return wide != null ? wide.contains(tag) : find(tag) >= 0;
    }

    /** Inserts the entry as the most recently used of its set, evicting the least recently used if the set is full. */
    public void insert(long tag) {
        access(tag);
    }

    /** Takes the entries and their order from {@code o}, an array of the same geometry. */
    void copyFrom(Tlb o) {
        if (o.sets != sets || o.ways != ways) {
            throw new IllegalArgumentException("a TLB of " + o.sets + " x " + o.ways + " into one of " + sets + " x " + ways);
        }
        if (wide != null) {
            wide.copyFrom(o.wide);
        } else {
            System.arraycopy(o.tags, 0, tags, 0, tags.length);
        }
    }

    /** INVLPG's part in one array: drops the leaf entries of {@code asid} that translate {@code va}. @return how many */
    public int invalidatePage(int asid, long va) {
        return remove(tag(asid, va, K4K)) + remove(tag(asid, va, K2M)) + remove(tag(asid, va, K1G));
    }

    /** Drops the leaf entries of {@code asid} that translate any byte of [start, end). @return how many */
    public int invalidateRange(int asid, long start, long end) {
        return invalidateWhere(asid, LEAF_KINDS, start, end);
    }

    /** Drops every entry of {@code asid}, leaves and walk entries. @return how many */
    public int invalidateAsid(int asid) {
        return invalidateWhere(asid, ALL_KINDS, 0, Long.MAX_VALUE);
    }

    /** Drops the entries of {@code asid} whose kind is in {@code kinds} (a mask of 1 << kind). @return how many */
    public int invalidateAsid(int asid, int kinds) {
        return invalidateWhere(asid, kinds, 0, Long.MAX_VALUE);
    }

    /** Drops everything. */
    public void invalidateAll() {
        if (wide != null) {
            wide.invalidateWhere(-1, ALL_KINDS, 0, Long.MAX_VALUE);
            return;
        }
        Arrays.fill(tags, EMPTY);
    }

    private int invalidateWhere(int asid, int kinds, long start, long end) {
        if (wide != null) {
            return wide.invalidateWhere(asid, kinds, start, end);
        }
        int n = 0;
        for (int s = tags.length - 1; s >= 0; s--) { // from the end: a removal moves only later slots
            long t = tags[s];
            if (t != EMPTY && asidOf(t) == asid && (kinds >>> kindOf(t) & 1) != 0 && overlaps(t, start, end)) {
                removeSlot(s);
                n++;
            }
        }
        return n;
    }

    private int remove(long tag) {
        if (wide != null) {
            return wide.remove(tag);
        }
        int s = find(tag);
        if (s < 0) {
            return 0;
        }
        removeSlot(s);
        return 1;
    }

    /** Empties a slot: the later ones of its set move up, the empty one goes last, the next to fill. */
    private void removeSlot(int s) {
        int last = s - s % ways + ways - 1;
        for (int j = s; j < last; j++) {
            tags[j] = tags[j + 1];
        }
        tags[last] = EMPTY;
    }

    /** @return the slot that holds {@code tag}, or -1 */
    private int find(long tag) {
        int i = ((int) tag & setMask) * ways;
        for (int end = i + ways; i < end; i++) {
            long x = tags[i];
            if (x == tag) {
                return i;
            }
            if (x == EMPTY) {
                break;
            }
        }
        return -1;
    }

    /** The array of geometry {@code g}: the L2 TLB for a walk cache kept there (no sets of its own), one array per name. */
    static Tlb of(Geometry g, Tlb l2, Map<String, Tlb> byName, Map<String, Geometry> shapes) {
        if (g.sets() == 0 && l2 != null) {
            return l2;
        }
        Geometry seen = shapes.putIfAbsent(g.array(), g);
        if (seen != null && !seen.equals(g)) {
            throw new IllegalArgumentException("array '" + g.array() + "' given as " + seen + " and as " + g);
        }
        return byName.computeIfAbsent(g.array(), n -> new Tlb(g.sets(), g.ways()));
    }

    /** @return the arrays, each once, in the order given */
    static Tlb[] distinct(Tlb... ts) {
        List<Tlb> out = new ArrayList<>();
        for (Tlb t : ts) {
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out.toArray(new Tlb[0]);
    }
}
