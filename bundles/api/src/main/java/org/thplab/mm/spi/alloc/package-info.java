/**
 * The allocation policy SPI ({@code policy.kind=allocation}): an
 * {@link org.thplab.mm.spi.alloc.AllocationPolicy} decides how a request for physical memory
 * ({@link org.thplab.mm.spi.alloc.AllocRequest}, with its
 * {@link org.thplab.mm.spi.alloc.AllocPurpose}) is served, through the buddy allocator's
 * mechanisms ({@link org.thplab.mm.spi.alloc.PhysicalMemory}). One is selected at a time.
 *
 * <p>Versioned on its own: 2.0.0, when the types moved here from {@code org.thplab.mm.spi} 1.0;
 * 2.1.0 adds {@link org.thplab.mm.spi.alloc.PhysicalMemory#takeFreeFromFullest}, huge-page-aware
 * placement (fullest pageblock first, as TEMERAIRE's HugeFiller and Quicksilver; Linux's
 * __rmqueue_smallest() has no such choice).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package org.thplab.mm.spi.alloc;
