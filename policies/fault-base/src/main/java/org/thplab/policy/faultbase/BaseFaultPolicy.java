package org.thplab.policy.faultbase;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.fault.AnonFault;
import org.thplab.mm.spi.fault.FaultPolicy;

/** Base pages only at fault time: every fault takes the core's do_anonymous_page() path. */
@Component(property = {Policies.KIND + "=" + Policies.KIND_FAULT, Policies.NAME + "=base"})
public class BaseFaultPolicy implements FaultPolicy {
    @Override
    public FaultOutcome fault(AnonFault fault) {
        return FaultOutcome.FALLBACK;
    }
}
