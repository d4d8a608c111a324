package org.thplab.mm.core.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TlbTest {
    private static long page(int asid, long n) {
        return Tlb.tag(asid, n << 12, Tlb.K4K);
    }

    /** Both layouts: a 4-way set scanned in recency order, and a 24-way one found by hashing. */
    @Test
    void theLeastRecentlyUsedEntryOfAFullSetIsEvicted() {
        for (int ways : new int[] {4, 24}) {
            Tlb t = new Tlb(1, ways);
            for (int i = 0; i < ways; i++) {
                t.insert(page(1, i));
            }
            assertTrue(t.lookup(page(1, 0)), "page 0 is held");  // now the most recent: page 1 is the LRU
            t.insert(page(1, ways));
            assertFalse(t.contains(page(1, 1)), ways + " ways: the least recently used went");
            assertTrue(t.contains(page(1, 0)));
            assertTrue(t.contains(page(1, ways)));
            assertEquals(ways, t.size());
        }
    }

    @Test
    void entriesDifferByAddressSpaceAndPageSize() {
        Tlb t = new Tlb(1, 8);
        t.insert(Tlb.tag(1, 0x200000, Tlb.K4K));
        assertFalse(t.contains(Tlb.tag(2, 0x200000, Tlb.K4K)));
        assertFalse(t.contains(Tlb.tag(1, 0x200000, Tlb.K2M)));
        assertFalse(t.contains(Tlb.tag(1, 0x200000, Tlb.PDE)));
        assertTrue(t.contains(Tlb.tag(1, 0x200fff, Tlb.K4K)));
    }

    /** A set holds only the pages whose low page-number bits select it. */
    @Test
    void aSetAssociativeArrayConflictsWithinASet() {
        Tlb t = new Tlb(16, 4);
        for (int i = 0; i < 5; i++) {
            t.insert(page(1, i * 16L)); // all in set 0
        }
        assertFalse(t.contains(page(1, 0)));
        assertEquals(4, t.size());
        t.insert(page(1, 1)); // set 1
        assertEquals(5, t.size());
    }

    @Test
    void invalidationsDropExactlyTheirEntries() {
        for (int ways : new int[] {8, 32}) {
            Tlb t = new Tlb(1, ways);
            t.insert(page(1, 10));
            t.insert(page(1, 11));
            t.insert(Tlb.tag(1, 0x40000000L, Tlb.K2M));
            t.insert(Tlb.tag(1, 0x40000000L, Tlb.PDPTE));
            t.insert(page(2, 10));
            assertEquals(1, t.invalidatePage(1, 10 << 12));
            assertFalse(t.contains(page(1, 10)));
            assertTrue(t.contains(page(2, 10)));
            assertEquals(1, t.invalidatePage(1, 0x40000000L + 0x1234), "the 2M leaf covering the address");
            assertTrue(t.contains(Tlb.tag(1, 0x40000000L, Tlb.PDPTE)), "a walk entry is not a leaf");
            assertEquals(1, t.invalidateAsid(1, Tlb.WALK_KINDS));
            assertEquals(1, t.invalidateRange(1, 0, 12 << 12));
            assertEquals(1, t.size());
            assertEquals(1, t.invalidateAsid(2));
            assertEquals(0, t.size());
        }
    }

    /**
     * Random inserts, lookups and invalidations against a reference LRU (a LinkedHashMap in
     * access order per set): both layouts, fully and set-associative, must keep the same entries
     * and evict the same ones.
     */
    @Test
    void bothLayoutsMatchAReferenceLru() {
        int[][] shapes = {{1, 4}, {1, 16}, {1, 17}, {1, 72}, {4, 24}, {16, 4}, {2, 40}, {8, 12}, {4, 7}};
        for (int[] shape : shapes) {
            int sets = shape[0];
            int ways = shape[1];
            Tlb t = new Tlb(sets, ways);
            List<LinkedHashMap<Long, Boolean>> ref = new ArrayList<>();
            for (int s = 0; s < sets; s++) {
                ref.add(new LinkedHashMap<>(16, 0.75f, true));
            }
            SplittableRandom r = new SplittableRandom(sets * 1000 + ways);
            int pages = sets * ways * 3;
            for (int op = 0; op < 100_000; op++) {
                int asid = r.nextInt(2);
                long p = r.nextInt(pages);
                long tag = page(asid, p);
                LinkedHashMap<Long, Boolean> set = ref.get((int) (p & (sets - 1)));
                int what = r.nextInt(100);
                if (what < 60) {
                    assertEquals(set.get(tag) != null, t.lookup(tag), "lookup " + op);
                } else if (what < 97) {
                    if (set.get(tag) == null) {
                        if (set.size() == ways) {
                            set.remove(set.keySet().iterator().next());
                        }
                        set.put(tag, true);
                    }
                    t.insert(tag);
                } else if (what < 99) {
                    set.remove(tag);
                    t.invalidatePage(asid, p << 12);
                } else {
                    for (LinkedHashMap<Long, Boolean> s : ref) {
                        s.keySet().removeIf(k -> Tlb.asidOf(k) == asid);
                    }
                    t.invalidateAsid(asid);
                }
                assertEquals(ref.stream().mapToInt(LinkedHashMap::size).sum(), t.size(), sets + "x" + ways + " op " + op);
            }
            for (int s = 0; s < sets; s++) {
                for (long k : ref.get(s).keySet()) {
                    assertTrue(t.contains(k), sets + "x" + ways + ": " + Long.toHexString(k));
                }
            }
        }
    }

    /**
     * Uniform random references to N pages through a full LRU array of E entries: in steady state
     * it holds E distinct pages, so a reference misses with probability 1 - E/N. Checked within
     * five binomial standard deviations of M references (fixed seed: no flake).
     */
    @Test
    void uniformRandomAccessMissesWithProbabilityOneMinusEOverN() {
        int[][] cases = {{1, 64, 1024}, {1, 12, 100}, {128, 12, 4096}, {256, 5, 2000 / 5 * 5}};
        for (int[] c : cases) {
            int sets = c[0];
            int entries = sets * c[1];
            int n = c[2];
            if (sets > 1) {
                n = n / sets * sets; // every set gets the same number of pages
            }
            Tlb t = new Tlb(sets, c[1]);
            SplittableRandom r = new SplittableRandom(42);
            for (int i = 0; i < 20 * n; i++) { // warm: every set full
                t.insert(page(1, r.nextInt(n)));
            }
            int m = 400_000;
            long misses = 0;
            for (int i = 0; i < m; i++) {
                long tag = page(1, r.nextInt(n));
                if (!t.lookup(tag)) {
                    misses++;
                    t.insert(tag);
                }
            }
            double p = 1.0 - (double) entries / n;
            double sigma = Math.sqrt(m * p * (1 - p));
            assertEquals(m * p, misses, 5 * sigma, sets + "x" + c[1] + " over " + n + " pages");
        }
    }
}
