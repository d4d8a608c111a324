package org.thplab.mm.core.folio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The mm slots of a large folio as folio_add_return_large_mapcount() and
 * folio_sub_return_large_mapcount() (include/linux/mm.h, CONFIG_MM_ID, 6.15) keep them: the bit
 * is set when a second mm maps the folio, cleared when one slot holds every mapping again, and
 * sticky while a third mm, which has no slot, maps it.
 */
class MmIdsTest {
    private static final int A = 1;
    private static final int B = 2;
    private static final int C = 3;

    /** mapcount is the folio's mappings after each change, as the callers pass it. */
    @Test
    void aSecondMmSetsTheBitAndItsLeavingClearsIt() {
        MmIds ids = new MmIds(1);
        ids.reset(0);
        ids.add(0, A, 1, 1); // a PMD fault in A
        assertFalse(ids.shared(0));
        ids.add(0, B, 1, 2); // fork: B maps the PMD too
        assertTrue(ids.shared(0));
        ids.sub(0, B, 1, 1); // B unmaps: slot 0 holds every mapping
        assertFalse(ids.shared(0));
    }

    @Test
    void aThirdMmHasNoSlotAndTheBitStaysWhileItAloneMapsTheFolio() {
        MmIds ids = new MmIds(1);
        ids.reset(0);
        ids.add(0, A, 1, 1);
        ids.add(0, B, 1, 2);
        ids.add(0, C, 1, 3);
        // C splits its PMD into 512 PTEs (add 512, remove the PMD), then A and B exit.
        ids.add(0, C, 512, 515);
        ids.sub(0, C, 1, 514);
        ids.sub(0, A, 1, 513);
        assertTrue(ids.shared(0));
        ids.sub(0, B, 1, 512);
        assertTrue(ids.shared(0), "no slot holds C's 512 mappings: the bit is sticky");
    }

    @Test
    void aNewFolioStartsExclusive() {
        MmIds ids = new MmIds(1);
        ids.reset(0);
        ids.add(0, A, 1, 1);
        ids.add(0, B, 1, 2);
        ids.reset(0); // freed and allocated again
        ids.add(0, C, 512, 512);
        assertFalse(ids.shared(0));
    }

    @Test
    void anMmTakingASlotWhileOthersMapTheFolioMarksItShared() {
        MmIds ids = new MmIds(1);
        ids.reset(0);
        ids.add(0, A, 1, 1);
        ids.add(0, B, 1, 2);
        ids.add(0, C, 1, 3);
        ids.sub(0, A, 1, 2); // slot 0 free again, B and C map it
        ids.add(0, A, 1, 3); // A takes slot 0 while others map the folio
        assertTrue(ids.shared(0));
        ids.sub(0, C, 1, 2); // C had no slot: A and B still each map it
        assertTrue(ids.shared(0));
        ids.sub(0, B, 1, 1); // A alone, in slot 0
        assertFalse(ids.shared(0));
    }
}
