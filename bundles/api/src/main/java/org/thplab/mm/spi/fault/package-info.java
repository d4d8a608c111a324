/**
 * The fault policy SPI ({@code policy.kind=fault}): a {@link org.thplab.mm.spi.fault.FaultPolicy}
 * decides what an anonymous fault on an unmapped address maps, through the mechanisms of the
 * {@link org.thplab.mm.spi.fault.AnonFault} it is handed, and answers a
 * {@link org.thplab.mm.spi.FaultOutcome} (shared with the CoW SPI). One is selected at a time.
 *
 * <p>Versioned on its own: 2.0.0, when the types moved here from {@code org.thplab.mm.spi} 1.0;
 * 2.1.0, {@code AnonFault.mapNewLargeFolio(order)} and {@code allowableOrders()} for multi-size THPs;
 * 2.2.0, {@code FaultPolicy.pmdNoneOnly()}; 2.3.0, {@code FaultPolicy.mapsBelowPmd(allowableOrders)}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.3.0")
package org.thplab.mm.spi.fault;
