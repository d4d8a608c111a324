package org.thplab.mm.core.folio;

import java.util.Arrays;

/**
 * The two mm slots of each PMD-sized folio and its "maybe mapped shared" bit (CONFIG_MM_ID, Linux
 * 6.15): {@code _mm_id[2]}, {@code _mm_id_mapcount[2]} and {@code FOLIO_MM_IDS_SHARED_BIT},
 * updated on every rmap change as folio_add_return_large_mapcount() and
 * folio_sub_return_large_mapcount() (include/linux/mm.h) do. A third mm mapping the folio gets no
 * slot, so the bit, once set, stays until one slot holds every mapping again: a folio the first
 * two mms have left reads as maybe shared while a third maps it alone. Per pageblock, as the
 * other per-folio state ({@code pfn >> 9} of the head); mm id 0 is MM_ID_DUMMY (ids start at 1);
 * a slot's mapcount is kept as the kernel keeps it, one less than the mappings (-1: none).
 */
final class MmIds {
    /** The state as one scratch array: {@code _mm_id[0]}, {@code _mm_id[1]}, their mapcounts, the shared bit (0/1). */
    static final int ID0 = 0;
    static final int ID1 = 1;
    static final int COUNT0 = 2;
    static final int COUNT1 = 3;
    static final int SHARED = 4;

    private final int[] id0;
    private final int[] id1;
    private final int[] count0;
    private final int[] count1;
    private final boolean[] shared;
    private final int[] s = new int[5];

    MmIds(int blocks) {
        id0 = new int[blocks];
        id1 = new int[blocks];
        count0 = new int[blocks];
        count1 = new int[blocks];
        Arrays.fill(count0, -1);
        Arrays.fill(count1, -1);
        shared = new boolean[blocks];
    }

    /** A new large folio: both slots free, exclusive. */
    void reset(int b) {
        id0[b] = 0;
        id1[b] = 0;
        count0[b] = -1;
        count1[b] = -1;
        shared[b] = false;
    }

    /** folio_add_return_large_mapcount() on the PMD-sized folio of block {@code b}. */
    void add(int b, int mm, int diff, int mapcount) {
        load(b);
        add(s, mm, diff, mapcount);
        store(b);
    }

    /** folio_sub_return_large_mapcount() on the PMD-sized folio of block {@code b}. */
    void sub(int b, int mm, int diff, int mapcount) {
        load(b);
        sub(s, mm, diff, mapcount);
        store(b);
    }

    /** The shared bit of folio_maybe_mapped_shared() for a large folio mapped more than once. */
    boolean shared(int b) {
        return shared[b];
    }

    private void load(int b) {
        s[ID0] = id0[b];
        s[ID1] = id1[b];
        s[COUNT0] = count0[b];
        s[COUNT1] = count1[b];
        s[SHARED] = shared[b] ? 1 : 0;
    }

    private void store(int b) {
        id0[b] = s[ID0];
        id1[b] = s[ID1];
        count0[b] = s[COUNT0];
        count1[b] = s[COUNT1];
        shared[b] = s[SHARED] != 0;
    }

    /** The state of a folio just allocated, into {@code s}. */
    static void reset(int[] s) {
        s[ID0] = 0;
        s[ID1] = 0;
        s[COUNT0] = -1;
        s[COUNT1] = -1;
        s[SHARED] = 0;
    }

    /**
     * folio_add_return_large_mapcount(): {@code mm} maps {@code diff} more; {@code mapcount} is
     * the folio's mappings after. Works on a folio's state {@code s} wherever it is kept.
     */
    static void add(int[] s, int mm, int diff, int mapcount) {
        int value = mapcount - 1; // _large_mapcount
        if (s[ID0] == mm) {
            s[COUNT0] += diff;
        } else if (s[ID1] == mm) {
            s[COUNT1] += diff;
        } else if (s[ID0] == 0) {
            s[ID0] = mm;
            s[COUNT0] = diff - 1;
            if (value != diff - 1) {
                s[SHARED] = 1; // there were other mappings already
            }
        } else if (s[ID1] == 0) {
            s[ID1] = mm;
            s[COUNT1] = diff - 1;
            s[SHARED] = 1; // slot 0 certainly has mappings as well
        }
    }

    /** folio_sub_return_large_mapcount(): {@code mm} maps {@code diff} fewer; {@code mapcount} is the folio's mappings after. */
    static void sub(int[] s, int mm, int diff, int mapcount) {
        int value = mapcount - 1;
        if (s[ID0] == mm) {
            s[COUNT0] -= diff;
            if (s[COUNT0] >= 0) {
                return;
            }
            s[COUNT0] = -1;
            s[ID0] = 0;
        } else if (s[ID1] == mm) {
            s[COUNT1] -= diff;
            if (s[COUNT1] >= 0) {
                return;
            }
            s[COUNT1] = -1;
            s[ID1] = 0;
        }
        // One slot owns every mapping (or none is left): mapped exclusively.
        if (s[COUNT0] == value || s[COUNT1] == value) {
            s[SHARED] = 0;
        }
    }
}
