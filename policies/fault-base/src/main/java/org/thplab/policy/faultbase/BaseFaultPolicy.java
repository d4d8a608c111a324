package org.thplab.policy.faultbase;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.spi.AnonFault;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.FaultPolicy;
import org.thplab.mm.spi.Policies;

/** Base pages only at fault time: every fault takes the core's do_anonymous_page() path. */
@Component(property = {Policies.KIND + "=" + Policies.KIND_FAULT, Policies.NAME + "=base"})
public class BaseFaultPolicy implements FaultPolicy {
    @Override
    public FaultOutcome fault(AnonFault fault) {
        return FaultOutcome.FALLBACK;
    }
}
