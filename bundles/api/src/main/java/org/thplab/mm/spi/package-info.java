/**
 * The policy SPI's shared package: what more than one kind of policy needs. A policy is a
 * Declarative Services component that provides the SPI of its kind, each in a package of its
 * own ({@link org.thplab.mm.spi.alloc}, {@link org.thplab.mm.spi.fault},
 * {@link org.thplab.mm.spi.promote}, {@link org.thplab.mm.spi.reclaim},
 * {@link org.thplab.mm.spi.cow}), and names itself with {@link org.thplab.mm.spi.Policy @Policy}
 * (the service properties {@value org.thplab.mm.spi.Policies#KIND} and {@value
 * org.thplab.mm.spi.Policies#NAME}). It decides; the core owns all machine state and offers the
 * mechanisms (the {@code *Context} types of each kind) through which a decision is carried out,
 * each of which keeps the machine's invariants.
 *
 * <p>Here: {@link org.thplab.mm.spi.Policy} and {@link org.thplab.mm.spi.Policies} (every
 * kind), {@link org.thplab.mm.spi.FaultOutcome} (fault and CoW) and
 * {@link org.thplab.mm.spi.ReservationInfo} (promotion and reclaim). Each kind's package is
 * versioned on its own, so a change to one kind's SPI does not change the import range of a
 * policy of another kind. 2.0.0: the kinds' types moved out into their packages.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.thplab.mm.spi;
