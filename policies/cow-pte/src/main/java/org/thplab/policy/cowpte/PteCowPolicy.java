package org.thplab.policy.cowpte;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.cow.HugeWriteFault;

/**
 * Linux since 5.8 (commit "thp: Change CoW semantics for anon-THP"): a write fault on a shared
 * THP or the huge zero page splits the PMD (do_huge_pmd_wp_page() falls back) and
 * do_wp_page() then copies one 4 KiB page. khugepaged may collapse the range again later.
 */
@Component
@Policy(kind = Kind.cow, name = "pte")
public class PteCowPolicy implements CowPolicy {
    @Override
    public FaultOutcome hugeWriteFault(HugeWriteFault fault) {
        fault.splitPmd();
        return FaultOutcome.FALLBACK;
    }
}
