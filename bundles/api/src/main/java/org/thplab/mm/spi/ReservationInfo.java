package org.thplab.mm.spi;

/**
 * One THP reservation (the 2018 RFC): an aligned 2 MiB block of base pages reserved for a
 * PMD-aligned range of an address space, from which faults in the range map their pages.
 * Promoters ({@link org.thplab.mm.spi.promote.PromotionContext#reservations()}) and reclaim
 * policies ({@link org.thplab.mm.spi.reclaim.ReclaimContext#reservationLru(int)}) both see
 * reservations, so it lives in the shared package.
 *
 * @param mm      the address space id
 * @param address the PMD-aligned address of the range
 * @param used    pages of the block mapped so far (faulted from the reservation)
 * @param unused  pages of the block still held in reserve (counted in nr_thp_reserved)
 */
public record ReservationInfo(int mm, long address, int used, int unused) {
}
