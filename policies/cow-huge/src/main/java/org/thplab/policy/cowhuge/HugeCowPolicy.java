package org.thplab.policy.cowhuge;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.cow.HugeWriteFault;

/**
 * Linux before 5.8: do_huge_pmd_wp_page() allocates a new huge page and copies all 2 MiB (or
 * zeroes it, for the huge zero page) when THP is enabled for the VMA; when no huge page can be
 * had it splits the PMD and falls back to copying one 4 KiB page. (The kernels of that time fell
 * back to do_huge_pmd_wp_page_fallback(), which copied all 512 pages into base pages; thplab
 * falls back to one 4 KiB copy; docs/model.md lists this difference.)
 */
@Component
@Policy(kind = Kind.cow, name = "huge")
public class HugeCowPolicy implements CowPolicy {
    @Override
    public FaultOutcome hugeWriteFault(HugeWriteFault fault) {
        // Before 5.8 the copy was tried only when __transparent_hugepage_enabled(vma).
        if (allowed(fault) && fault.copyHugePage() == FaultOutcome.MAPPED) {
            return FaultOutcome.MAPPED;
        }
        fault.splitPmd();
        return FaultOutcome.FALLBACK;
    }

    static boolean allowed(HugeWriteFault f) {
        if (f.vmNoHugepage()) {
            return false;
        }
        ThpEnabled e = f.tunables().pmdEnabled();
        return e == ThpEnabled.ALWAYS || (e == ThpEnabled.MADVISE && f.vmHugepage());
    }
}
