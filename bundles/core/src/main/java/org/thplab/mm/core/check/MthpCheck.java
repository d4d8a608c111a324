package org.thplab.mm.core.check;

import java.util.Map;
import java.util.function.Consumer;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.frames.Frames;

/** The checks of one mTHP (a folio of order 2 to 8) against the page tables that map it. */
final class MthpCheck {
    private MthpCheck() {
    }

    /**
     * @param pteMaps  PTEs mapping each frame, counted from every page table
     * @param mappedBy per mTHP head: the id of the one process that maps it, or -1 for several
     */
    static void check(Frames f, Folios folios, int h, int[] pteMaps, Map<Integer, Integer> mappedBy, Consumer<String> problem) {
        int n = 1 << f.order[h];
        long mappings = 0;
        int mapped = 0;
        for (int k = 0; k < n; k++) {
            int q = h + k;
            if (k > 0 && (f.type[q] != Frames.ANON_TAIL || f.order[q] != f.order[h])) {
                problem.accept("mTHP " + h + ": frame " + q + " is not its tail");
            }
            if (f.map[q] != pteMaps[q]) {
                problem.accept("frame " + q + ": mapcount " + f.map[q] + " but " + pteMaps[q] + " PTEs map it");
            }
            mappings += pteMaps[q];
            mapped += pteMaps[q] > 0 ? 1 : 0;
        }
        if (f.ref[h] != mappings) {
            problem.accept("mTHP " + h + ": refcount " + f.ref[h] + " but " + mappings + " mappings");
        }
        if (mappings == 0) {
            problem.accept("mTHP " + h + " is leaked: nothing maps it");
        }
        if (folios.mthps.pagesMapped(h) != mapped) {
            problem.accept("mTHP " + h + ": _nr_pages_mapped " + folios.mthps.pagesMapped(h) + " but " + mapped + " pages are mapped");
        }
        if (mapped > 0 && mapped < n && !folios.mthps.partiallyMapped(h)) {
            problem.accept("mTHP " + h + " is partially mapped but not flagged so (PG_partially_mapped)");
        }
        if (mapped > 0 && mapped < n && !folios.mthps.deferred(h)) {
            problem.accept("mTHP " + h + " is partially mapped but not on the deferred split queue");
        }
        if (mappedBy.getOrDefault(h, 0) == -1 && !folios.maybeMappedShared(h)) {
            problem.accept("mTHP " + h + " is mapped by several processes but its mm slots say exclusive");
        }
    }
}
