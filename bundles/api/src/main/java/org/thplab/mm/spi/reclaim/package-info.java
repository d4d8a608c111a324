/**
 * The reclaim policy SPI ({@code policy.kind=reclaim}): a
 * {@link org.thplab.mm.spi.reclaim.ReclaimPolicy} decides, under memory pressure, which
 * THP-related memory to give back, through the {@link org.thplab.mm.spi.reclaim.ReclaimContext}
 * (deferred split queue, huge zero page, reservations as
 * {@link org.thplab.mm.spi.ReservationInfo}, shared with the promotion SPI). One is selected at
 * a time.
 *
 * <p>Versioned on its own: 2.0.0, when the types moved here from {@code org.thplab.mm.spi} 1.0;
 * 2.1.0 added {@link org.thplab.mm.spi.reclaim.ReclaimContext#splitDeferred(long, int)} (a
 * policy's own underused threshold) and {@link org.thplab.mm.spi.reclaim.ShrinkSlab} (the
 * shrinker pass lru-shrinker and underused share); 2.2.0 added
 * {@link org.thplab.mm.spi.reclaim.ReclaimContext#reservationLruLength()} and the kernel's scan
 * arithmetic ({@link org.thplab.mm.spi.reclaim.ShrinkSlab.Scan},
 * {@link org.thplab.mm.spi.reclaim.ShrinkSlab.Shrinker},
 * {@link org.thplab.mm.spi.reclaim.ShrinkSlab.Shrinkers}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package org.thplab.mm.spi.reclaim;
