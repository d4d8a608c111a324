package org.thplab.mm.core.vma;

import org.thplab.mm.spi.ReservationInfo;

/**
 * One THP reservation: the aligned block of 512 base pages reserved for the PMD-aligned range at
 * {@link #haddr} of {@link #mm}, which pages of it are mapped, and its place on the reservation
 * LRU. Kept by core.reserve.Reservations.
 */
public final class Reservation {
    public static final int NR = 512;
    public final AddressSpace mm;
    public final long haddr;
    public final int base;
    public int used;
    /** Which pages of the block are mapped (faulted from the reservation). */
    public final long[] mapped = new long[NR / 64];
    public Reservation prev;
    public Reservation next;
    public boolean onLru;

    public Reservation(AddressSpace mm, long haddr, int base) {
        this.mm = mm;
        this.haddr = haddr;
        this.base = base;
    }

    public boolean isMapped(int k) {
        return (mapped[k >>> 6] & (1L << k)) != 0;
    }

    public int unused() {
        return NR - used;
    }

    public ReservationInfo info() {
        return new ReservationInfo(mm.id, haddr, used, unused());
    }
}
