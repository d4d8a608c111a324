/**
 * The copy-on-write policy SPI ({@code policy.kind=cow}): a {@link org.thplab.mm.spi.cow.CowPolicy}
 * decides what a write fault on a shared huge page (or the huge zero page) does, through the
 * mechanisms of the {@link org.thplab.mm.spi.cow.HugeWriteFault} it is handed, and answers a
 * {@link org.thplab.mm.spi.FaultOutcome} (shared with the fault SPI). One is selected at a time.
 *
 * <p>Versioned on its own: 2.0.0, when the types moved here from {@code org.thplab.mm.spi} 1.0;
 * 2.1.0 added {@link org.thplab.mm.spi.cow.HugeWriteFault#pmdYoung()} and
 * {@link org.thplab.mm.spi.cow.HugeWriteFault#folioReferenced()} (for cow-adaptive).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package org.thplab.mm.spi.cow;
