/**
 * The policy SPI. A policy is a Declarative Services component that provides one of
 * {@link org.thplab.mm.spi.AllocationPolicy}, {@link org.thplab.mm.spi.FaultPolicy},
 * {@link org.thplab.mm.spi.PromotionPolicy}, {@link org.thplab.mm.spi.ReclaimPolicy} or
 * {@link org.thplab.mm.spi.CowPolicy} with the service properties {@value
 * org.thplab.mm.spi.Policies#KIND} and {@value org.thplab.mm.spi.Policies#NAME}. It decides;
 * the core owns all machine state and offers the mechanisms (the {@code *Context} types) through
 * which a decision is carried out, each of which keeps the machine's invariants.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.thplab.mm.spi;
