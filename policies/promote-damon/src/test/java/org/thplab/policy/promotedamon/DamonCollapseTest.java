package org.thplab.policy.promotedamon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The attributes' checks and the sampling's spread; the promoter on a machine is tested in the shell's DamonTest. */
class DamonCollapseTest {
    @Test
    void attributesFollowDamonsRules() {
        assertNull(new DamonCollapse.Attrs(5_000, 100_000, 5, Integer.MAX_VALUE).problem());
        assertTrue(new DamonCollapse.Attrs(5_000, 12_000, 5, 20).problem().startsWith("aggr_us must be a multiple of sample_us"));
        assertTrue(new DamonCollapse.Attrs(0, 100_000, 5, 20).problem().startsWith("sample_us must be"));
        assertTrue(new DamonCollapse.Attrs(5_000, 100_000, 6, 5).problem().startsWith("min_nr_accesses and max_nr_accesses"));
        assertEquals("promote-damon: aggr_us must be a multiple of sample_us (5000) of at most 10^6 samples, not 7000",
                assertThrows(IllegalArgumentException.class, () -> new DamonCollapse(5_000, 7_000, 1, 2)).getMessage());
    }

    @Test
    void theSampledPageCoversTheRegion() {
        // Over many samples of one region every one of its 512 pages is drawn, each about equally often.
        int[] hits = new int[512];
        for (long s = 0; s < 512 * 64; s++) {
            hits[(int) (DamonCollapse.mix(7L << 32 | 3, s) & 511)]++;
        }
        for (int h : hits) {
            assertTrue(h > 20 && h < 120, "a page drawn " + h + " times in 32768 samples");
        }
    }
}
