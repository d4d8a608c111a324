package org.thplab.policy.cowpte;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.cow.HugeWriteFault;

/**
 * Linux's do_huge_pmd_wp_page() as of 6.13 (and 6.18).
 *
 * <ul>
 * <li>A shared THP: since 5.8 (commit "thp: Change CoW semantics for anon-THP") the write splits
 * the PMD (do_huge_pmd_wp_page() falls back) and do_wp_page() then copies one 4 KiB page;
 * khugepaged may collapse the range again later.</li>
 * <li>The huge zero page: since 6.13 do_huge_zero_wp_pmd() allocates a PMD-sized folio
 * (vma_alloc_anon_folio_pmd(), the gfp of a THP fault), zeroes it and maps it in place of the
 * zero PMD (map_anon_folio_pmd(): {@code thp_fault_alloc}); only when that allocation fails
 * ({@code thp_fault_fallback}) does it split the zero PMD, and do_wp_page() copies one 4 KiB page.
 * From 5.8 to 6.12 the zero PMD was always split.</li>
 * </ul>
 */
@Component
@Policy(kind = Kind.cow, name = "pte")
public class PteCowPolicy implements CowPolicy {
    @Override
    public FaultOutcome hugeWriteFault(HugeWriteFault fault) {
        if (fault.hugeZeroPage()) {
            // do_huge_zero_wp_pmd(): no THP-eligibility check; the zero PMD was eligible when mapped.
            FaultOutcome o = fault.copyHugePage();
            if (o != FaultOutcome.FALLBACK) {
                return o;
            }
        }
        // do_huge_pmd_wp_page(): fallback: __split_huge_pmd(), VM_FAULT_FALLBACK.
        fault.splitPmd();
        return FaultOutcome.FALLBACK;
    }
}
