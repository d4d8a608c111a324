package org.thplab.policy.cowhuge;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.spi.CowPolicy;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.HugeWriteFault;
import org.thplab.mm.spi.Policies;

/**
 * Linux before 5.8: do_huge_pmd_wp_page() allocates a new huge page and copies all 2 MiB (or
 * zeroes it, for the huge zero page); when no huge page can be had it splits the PMD and falls
 * back to copying one 4 KiB page.
 */
@Component(property = {Policies.KIND + "=" + Policies.KIND_COW, Policies.NAME + "=huge"})
public class HugeCowPolicy implements CowPolicy {
    @Override
    public FaultOutcome hugeWriteFault(HugeWriteFault fault) {
        if (fault.copyHugePage() == FaultOutcome.MAPPED) {
            return FaultOutcome.MAPPED;
        }
        fault.splitPmd();
        return FaultOutcome.FALLBACK;
    }
}
