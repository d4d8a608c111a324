package org.thplab.mm.spi.cow;

import org.osgi.annotation.versioning.ConsumerType;
import org.thplab.mm.spi.FaultOutcome;

/**
 * Decides what a write fault on a shared huge page (or the huge zero page) does: the part of
 * do_huge_pmd_wp_page() after an exclusive THP was reused. A policy either resolves the fault at
 * PMD level ({@link HugeWriteFault#copyHugePage()}, answering MAPPED) or splits the PMD
 * ({@link HugeWriteFault#splitPmd()}, answering FALLBACK) so that do_wp_page() copies one base
 * page. The bundled policies: {@code pte}, Linux since 5.8 for a shared THP and since 6.13 for the
 * huge zero page (a new THP, split only when none can be had); {@code huge}, Linux before 5.8 (a
 * new THP for both, when THP is enabled for the VMA). Without a policy the core splits.
 */
@ConsumerType
public interface CowPolicy {
    /**
     * @return MAPPED when the policy resolved the fault at PMD level; FALLBACK after it split
     *         the PMD, so that the core copies one base page; OOM when memory could not be had
     *         (see {@link FaultOutcome#OOM})
     */
    FaultOutcome hugeWriteFault(HugeWriteFault fault);
}
