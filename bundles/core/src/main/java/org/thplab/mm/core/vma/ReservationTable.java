package org.thplab.mm.core.vma;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;

/**
 * An mm's THP reservations by their 2 MiB-aligned address: one is found in one probe, and the
 * ones of a range come in address order, the order a zap walks them. Keyed by block number
 * (address >> 21): consecutive blocks hash to consecutive buckets (keyed by address, as before,
 * they fell into one bucket of 32 and the buckets became trees).
 */
public final class ReservationTable {
    private static final int PMD_SHIFT = 21;
    private final HashMap<Long, Reservation> byBlock = new HashMap<>();

    /** @return the reservation of the 2 MiB at {@code haddr}, or null */
    public Reservation get(long haddr) {
        return byBlock.get(haddr >>> PMD_SHIFT);
    }

    public void put(long haddr, Reservation r) {
        byBlock.put(haddr >>> PMD_SHIFT, r);
    }

    public void remove(long haddr) {
        byBlock.remove(haddr >>> PMD_SHIFT);
    }

    public boolean isEmpty() {
        return byBlock.isEmpty();
    }

    /** @return every reservation, in no particular order */
    public Collection<Reservation> values() {
        return byBlock.values();
    }

    /** @return how many 2 MiB blocks start below {@code a} (a at least 0) */
    private static long blocksBelow(long a) {
        return (a >>> PMD_SHIFT) + ((a & ((1L << PMD_SHIFT) - 1)) != 0 ? 1 : 0);
    }

    /** @return the reservations whose 2 MiB start in [from, to), in address order (a copy) */
    public List<Reservation> starting(long from, long to) {
        List<Reservation> out = new ArrayList<>();
        if (byBlock.isEmpty() || to <= from) {
            return out;
        }
        long first = blocksBelow(from);
        long end = blocksBelow(to);
        if (end - first <= byBlock.size()) {
            for (long b = first; b < end; b++) { // a short range: look each block up
                Reservation r = byBlock.get(b);
                if (r != null) {
                    out.add(r);
                }
            }
            return out;
        }
        for (Reservation r : byBlock.values()) {
            if (r.haddr >= from && r.haddr < to) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparingLong(r -> r.haddr));
        return out;
    }
}
