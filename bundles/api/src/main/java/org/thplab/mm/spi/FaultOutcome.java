package org.thplab.mm.spi;

/**
 * What became of a fault handed to a policy: the answer of a
 * {@link org.thplab.mm.spi.fault.FaultPolicy} and of a {@link org.thplab.mm.spi.cow.CowPolicy},
 * and of the mechanisms they call. Shared by both kinds, so it lives in the shared package.
 */
public enum FaultOutcome {
    /** The policy mapped the address; the fault is done. */
    MAPPED,
    /** The policy did nothing (more); the core's base-page path handles the fault. */
    FALLBACK,
    /**
     * No memory could be had even after reclaim. When a base-page (order-0) allocation the
     * policy made through the mechanisms failed, the core runs the OOM killer and then asks the
     * policy again (its allocation is retried, as the kernel's allocator retries after
     * out_of_memory()); when none failed, the access fails with ENOMEM and nobody is killed.
     */
    OOM
}
