package org.thplab.policy.faultmthp;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.fault.AnonFault;
import org.thplab.mm.spi.fault.FaultPolicy;

/**
 * The kernel's anonymous fault path with multi-size THPs (Linux 6.8): on an empty PMD where a
 * PMD-sized THP is allowed, create_huge_pmd() as {@code fault-thp} does; otherwise, or when that
 * falls back, do_anonymous_page() maps, for a write, a folio of the largest allowed order that
 * fits, falling to the next order when one cannot be had (alloc_anon_folio()), and a base page
 * when none can. An order is allowed by {@code hugepages-<size>kB/enabled} ({@code inherit}
 * takes the top-level {@code enabled}): {@code always}, or {@code madvise} in a VM_HUGEPAGE
 * VMA; never in a VM_NOHUGEPAGE one (thp_vma_allowable_orders()).
 */
@Component
@Policy(kind = Kind.fault, name = "mthp")
public class MthpFaultPolicy implements FaultPolicy {
    /** PMD_ORDER, and the smallest anonymous mTHP order (16 kB). */
    static final int PMD_ORDER = 9;
    static final int MIN_ORDER = 2;

    @Override
    public FaultOutcome fault(AnonFault f) {
        if (f.pmdNone() && allowed(f, PMD_ORDER) && f.hugeSuitable()) {
            FaultOutcome o = !f.write() && f.tunables().useZeroPage() ? f.mapHugeZeroPage() : f.mapNewHugePage();
            if (o != FaultOutcome.FALLBACK) {
                return o;
            }
        }
        if (!f.write()) {
            return FaultOutcome.FALLBACK; // do_anonymous_page(): a read maps the zero page
        }
        for (int order = PMD_ORDER - 1; order >= MIN_ORDER; order--) {
            if (allowed(f, order)) {
                FaultOutcome o = f.mapNewLargeFolio(order);
                if (o != FaultOutcome.FALLBACK) {
                    return o;
                }
            }
        }
        return FaultOutcome.FALLBACK;
    }

    /** thp_vma_allowable_orders() with TVA_ENFORCE_SYSFS, for one order of an anonymous VMA. */
    static boolean allowed(AnonFault f, int order) {
        if (f.vmNoHugepage()) {
            return false;
        }
        ThpEnabled m = f.tunables().orderEnabled(order);
        return m == ThpEnabled.ALWAYS || (m == ThpEnabled.MADVISE && f.vmHugepage());
    }
}
