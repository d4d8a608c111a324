package org.thplab.policy.faultthp;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.fault.AnonFault;
import org.thplab.mm.spi.fault.FaultPolicy;

/**
 * The kernel's anonymous fault path: __handle_mm_fault() tries create_huge_pmd() when the PMD is
 * empty and thp_vma_allowable_order() allows a PMD-sized folio (VM_NOHUGEPAGE never; enabled
 * always, or madvise with VM_HUGEPAGE), and do_huge_pmd_anonymous_page() then maps the huge zero
 * page on a read fault (use_zero_page) or a new huge page, falling back to base pages.
 */
@Component
@Policy(kind = Kind.fault, name = "thp")
public class ThpFaultPolicy implements FaultPolicy {
    /** Nothing but a PMD-sized folio, and only on an empty PMD. */
    @Override
    public boolean pmdNoneOnly() {
        return true;
    }

    @Override
    public FaultOutcome fault(AnonFault f) {
        if (!f.pmdNone() || !allowed(f) || !f.hugeSuitable()) {
            return FaultOutcome.FALLBACK;
        }
        if (!f.write() && f.tunables().useZeroPage()) {
            // A failed huge zero page allocation falls back to base pages, as the kernel does.
            return f.mapHugeZeroPage();
        }
        return f.mapNewHugePage();
    }

    /** thp_vma_allowable_order() with TVA_ENFORCE_SYSFS, for an anonymous VMA. */
    static boolean allowed(AnonFault f) {
        if (f.vmNoHugepage()) {
            return false;
        }
        Tunables t = f.tunables();
        return t.pmdEnabled() == ThpEnabled.ALWAYS || (t.pmdEnabled() == ThpEnabled.MADVISE && f.vmHugepage());
    }
}
