package org.thplab.mm.spi;

import org.osgi.annotation.versioning.ProviderType;
import org.thplab.mm.api.Tunables;

/**
 * An anonymous fault on an address that nothing maps, handed to the {@link FaultPolicy}, with
 * the mechanisms to serve it. When the policy answers {@link FaultOutcome#FALLBACK} the core
 * runs do_anonymous_page(): the zero page for a read, a new zeroed base page for a write.
 */
@ProviderType
public interface AnonFault {
    /** @return the machine's tunables */
    Tunables tunables();

    /** @return the faulting virtual address */
    long address();

    /** @return true for a write access */
    boolean write();

    /** @return true when the PMD slot of the address is empty (no page table, no huge PMD) */
    boolean pmdNone();

    /** @return true when the PMD-aligned 2 MiB range around the address lies inside the VMA */
    boolean hugeSuitable();

    /** @return true when the VMA has VM_HUGEPAGE */
    boolean vmHugepage();

    /** @return true when the VMA has VM_NOHUGEPAGE */
    boolean vmNoHugepage();

    /**
     * Maps the huge zero page read-only by a PMD (allocating it on first use, counting
     * {@code thp_zero_page_alloc}). Requires {@link #pmdNone()} and {@link #hugeSuitable()}.
     *
     * @return MAPPED, or FALLBACK when the huge zero page could not be had
     */
    FaultOutcome mapHugeZeroPage();

    /**
     * Allocates a PMD-sized page through the allocation policy ({@link AllocPurpose#FAULT_THP}),
     * zeroes it and maps it by a PMD, counting {@code thp_fault_alloc}, or counts
     * {@code thp_fault_fallback} when no huge page can be had. Requires {@link #pmdNone()} and
     * {@link #hugeSuitable()}.
     *
     * @return MAPPED or FALLBACK
     */
    FaultOutcome mapNewHugePage();
}
