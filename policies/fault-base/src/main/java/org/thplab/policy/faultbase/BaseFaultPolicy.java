package org.thplab.policy.faultbase;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.fault.AnonFault;
import org.thplab.mm.spi.fault.FaultPolicy;

/** Base pages only at fault time: every fault takes the core's do_anonymous_page() path. */
@Component
@Policy(kind = Kind.fault, name = "base")
public class BaseFaultPolicy implements FaultPolicy {
    /** Nothing but a PMD-sized folio, and only on an empty PMD. */
    @Override
    public boolean pmdNoneOnly() {
        return true;
    }

    @Override
    public FaultOutcome fault(AnonFault fault) {
        return FaultOutcome.FALLBACK;
    }
}
