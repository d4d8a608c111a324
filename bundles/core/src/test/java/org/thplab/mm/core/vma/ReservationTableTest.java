package org.thplab.mm.core.vma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The reservation table against a sorted map: the same lookups, the same ranges in the same order. */
class ReservationTableTest {
    static final long PMD = 2L << 20;

    @Test
    void matchesASortedMapOverRandomOperations() {
        SplittableRandom rnd = new SplittableRandom(7);
        ReservationTable t = new ReservationTable();
        TreeMap<Long, Reservation> ref = new TreeMap<>();
        long base = 1L << 32;
        for (int op = 0; op < 20_000; op++) {
            long haddr = base + rnd.nextInt(4096) * PMD;
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    Reservation r = new Reservation(null, haddr, 0);
                    t.put(haddr, r);
                    ref.put(haddr, r);
                }
                case 1 -> {
                    t.remove(haddr);
                    ref.remove(haddr);
                }
                case 2 -> assertSame(ref.get(haddr), t.get(haddr));
                default -> {
                    // A range that may start and end inside a 2 MiB, short or long (both ways of finding them).
                    long from = base + rnd.nextLong(4096 * PMD);
                    long to = rnd.nextInt(8) == 0 ? Long.MAX_VALUE : from + rnd.nextLong(rnd.nextBoolean() ? 8 * PMD : 4096 * PMD);
                    long aligned = from & ~(PMD - 1);
                    List<Reservation> want = new ArrayList<>(ref.subMap(aligned, true, to, false).values());
                    assertEquals(want, t.starting(aligned, to), "op " + op);
                }
            }
        }
        assertEquals(ref.size(), t.values().size());
        assertNull(t.get(base - PMD));
    }
}
