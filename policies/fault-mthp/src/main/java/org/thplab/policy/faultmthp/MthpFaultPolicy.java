package org.thplab.policy.faultmthp;

import org.osgi.service.component.annotations.Component;
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

    /** alloc_anon_folio(): below a PTE table only an allowed order under PMD_ORDER makes a difference. */
    @Override
    public boolean mapsBelowPmd(int allowableOrders) {
        return (allowableOrders & (1 << PMD_ORDER) - (1 << MIN_ORDER)) != 0;
    }

    @Override
    public FaultOutcome fault(AnonFault f) {
        int orders = f.allowableOrders(); // thp_vma_allowable_orders(), one mask for every size
        if ((orders & 1 << PMD_ORDER) != 0 && f.pmdNone() && f.hugeSuitable()) {
            FaultOutcome o = !f.write() && f.tunables().useZeroPage() ? f.mapHugeZeroPage() : f.mapNewHugePage();
            if (o != FaultOutcome.FALLBACK) {
                return o;
            }
        }
        orders &= (1 << PMD_ORDER) - (1 << MIN_ORDER);
        if (orders == 0 || !f.write()) {
            return FaultOutcome.FALLBACK; // do_anonymous_page(): a read maps the zero page
        }
        while (orders != 0) { // the highest order first (highest_order(), next_order())
            int order = 31 - Integer.numberOfLeadingZeros(orders);
            FaultOutcome o = f.mapNewLargeFolio(order);
            if (o != FaultOutcome.FALLBACK) {
                return o;
            }
            orders &= ~(1 << order);
        }
        return FaultOutcome.FALLBACK;
    }
}
