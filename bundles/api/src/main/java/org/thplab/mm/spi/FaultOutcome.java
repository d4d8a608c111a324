package org.thplab.mm.spi;

/** What became of a fault handed to a policy. */
public enum FaultOutcome {
    /** The policy mapped the address; the fault is done. */
    MAPPED,
    /** The policy did nothing (more); the core's base-page path handles the fault. */
    FALLBACK,
    /** No memory could be had even after reclaim: the access fails with ENOMEM. */
    OOM
}
