/**
 * The promotion policy SPI ({@code policy.kind=promotion}): a
 * {@link org.thplab.mm.spi.promote.PromotionPolicy} (a promoter) turns base pages into huge
 * pages as a daemon, on MADV_COLLAPSE, or both, through the
 * {@link org.thplab.mm.spi.promote.PromotionContext}: khugepaged's scan
 * ({@link org.thplab.mm.spi.promote.PmdScan}, {@link org.thplab.mm.spi.promote.ScanResult}),
 * its collapse ({@link org.thplab.mm.spi.promote.CollapseTicket}), the VMAs
 * ({@link org.thplab.mm.spi.promote.VmaRange}) and the reservations
 * ({@link org.thplab.mm.spi.ReservationInfo}, shared with the reclaim SPI). Several promoters
 * may be enabled at once.
 *
 * <p>Versioned on its own: 2.0.0, when the types moved here from {@code org.thplab.mm.spi} 1.0;
 * 2.1.0 added {@link org.thplab.mm.spi.promote.PromotionPolicy#WAIT_FOR_WORK}, 2.2.0
 * {@link org.thplab.mm.spi.promote.PromotionPolicy#scanCursor}, 2.3.0 DAMON's access checks
 * ({@link org.thplab.mm.spi.promote.PromotionContext#young},
 * {@link org.thplab.mm.spi.promote.PromotionContext#mkold}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.3.0")
package org.thplab.mm.spi.promote;
