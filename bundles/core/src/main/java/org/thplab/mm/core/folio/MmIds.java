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
    private final int[] id0;
    private final int[] id1;
    private final int[] count0;
    private final int[] count1;
    private final boolean[] shared;

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

    /** folio_add_return_large_mapcount(): {@code mm} maps {@code diff} more; {@code mapcount} is the folio's mappings after. */
    void add(int b, int mm, int diff, int mapcount) {
        int value = mapcount - 1; // _large_mapcount
        if (id0[b] == mm) {
            count0[b] += diff;
        } else if (id1[b] == mm) {
            count1[b] += diff;
        } else if (id0[b] == 0) {
            id0[b] = mm;
            count0[b] = diff - 1;
            if (value != diff - 1) {
                shared[b] = true; // there were other mappings already
            }
        } else if (id1[b] == 0) {
            id1[b] = mm;
            count1[b] = diff - 1;
            shared[b] = true; // slot 0 certainly has mappings as well
        }
    }

    /** folio_sub_return_large_mapcount(): {@code mm} maps {@code diff} fewer; {@code mapcount} is the folio's mappings after. */
    void sub(int b, int mm, int diff, int mapcount) {
        int value = mapcount - 1;
        if (id0[b] == mm) {
            count0[b] -= diff;
            if (count0[b] >= 0) {
                return;
            }
            count0[b] = -1;
            id0[b] = 0;
        } else if (id1[b] == mm) {
            count1[b] -= diff;
            if (count1[b] >= 0) {
                return;
            }
            count1[b] = -1;
            id1[b] = 0;
        }
        // One slot owns every mapping (or none is left): mapped exclusively.
        if (count0[b] == value || count1[b] == value) {
            shared[b] = false;
        }
    }

    /** The shared bit of folio_maybe_mapped_shared() for a large folio mapped more than once. */
    boolean shared(int b) {
        return shared[b];
    }
}
