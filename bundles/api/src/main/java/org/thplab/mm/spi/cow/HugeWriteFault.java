package org.thplab.mm.spi.cow;

import org.osgi.annotation.versioning.ProviderType;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.FaultOutcome;

/**
 * A write fault on a huge PMD that the core cannot simply make writable: the THP is shared
 * (after fork) or the PMD maps the huge zero page. Handed to the {@link CowPolicy}.
 */
@ProviderType
public interface HugeWriteFault {
    /** @return the machine's tunables */
    Tunables tunables();

    /** @return the faulting address */
    long address();

    /** @return true when the PMD maps the huge zero page */
    boolean hugeZeroPage();

    /** @return true when the VMA has VM_HUGEPAGE */
    boolean vmHugepage();

    /** @return true when the VMA has VM_NOHUGEPAGE */
    boolean vmNoHugepage();

    /**
     * pmd_young(orig_pmd): the accessed bit of the faulting process's huge PMD, set by the MMU
     * when this process read or wrote the range since the bit was last cleared. fork's
     * copy_huge_pmd() gives the child an old PMD (pmd_mkold()); reclaim's folio_referenced()
     * clears it. Reading it changes nothing.
     *
     * @return true when the faulting PMD is young; false for the huge zero page
     * @since 2.1
     */
    boolean pmdYoung();

    /**
     * Whether any mapping of the folio is young: the rmap walk of folio_referenced() over every
     * process that maps it (PMD and PTE mappings), without clearing the bits it finds, as DAMON's
     * damon_folio_young() tests them. The kernel's other hotness signal, the active LRU
     * (folio_test_active()), is not modelled (the anonymous LRU is a CLOCK over the young bits,
     * docs/model.md), so this is the folio-wide one. Reading it changes nothing.
     *
     * @return true when some mapping of the THP is young; false for the huge zero page
     * @since 2.1
     */
    boolean folioReferenced();

    /**
     * Allocates a new PMD-sized page ({@link org.thplab.mm.spi.alloc.AllocPurpose#COW_THP}),
     * copies the old one into it (or zeroes it for the huge zero page) and maps it writable in
     * place of the old PMD, counting {@code thp_fault_alloc}; counts {@code thp_fault_fallback}
     * when no huge page can be had, and then changes nothing. On the huge zero page this is
     * Linux's do_huge_zero_wp_pmd() (since 6.13); on a shared THP, the 2 MiB copy Linux made
     * before 5.8.
     *
     * @return MAPPED or FALLBACK
     */
    FaultOutcome copyHugePage();

    /**
     * split_huge_pmd(): replaces the huge PMD by a page table of 512 PTEs mapping the same
     * pages; never fails. The fault is then retried at PTE level, where do_wp_page() copies
     * one 4 KiB page.
     */
    void splitPmd();
}
