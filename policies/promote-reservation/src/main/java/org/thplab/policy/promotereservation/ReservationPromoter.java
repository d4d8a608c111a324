package org.thplab.policy.promotereservation;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.ReservationInfo;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.PromotionPolicy;

/**
 * Promotes THP reservations in place once {@code promotion_threshold} of their pages are mapped:
 * no copy, the reserved block becomes the THP. Either asynchronously, by a khugepaged-like scan
 * every {@code khugepaged/scan_sleep_millisecs} (the RFC), or synchronously at the fault that
 * crosses the threshold (the RFC's "Other TBD").
 */
@Component(configurationPid = "org.thplab.policy.promotereservation")
@Policy(kind = Kind.promotion, name = "reservation")
@Designate(ocd = ReservationPromoter.Config.class)
public class ReservationPromoter implements PromotionPolicy {

    /** Configuration. */
    @ObjectClassDefinition(name = "thplab reservation promotion", description = "In-place promotion of THP reservations")
    public @interface Config {
        @AttributeDefinition(description = "When to promote: khugepaged (asynchronously, on its scan) or fault (at the fault that crosses the threshold)",
                options = {@Option(value = "khugepaged"), @Option(value = "fault")})
        String mode() default "khugepaged";
    }

    private volatile boolean atFault;

    public ReservationPromoter() {
    }

    /** For embedding outside a framework: {@code atFault} promotes synchronously. */
    public ReservationPromoter(boolean atFault) {
        this.atFault = atFault;
    }

    @Activate
    @Modified
    void configure(Config c) {
        atFault = "fault".equals(c.mode());
    }

    @Override
    public long nextWake(PromotionContext ctx) {
        return atFault ? -1 : ctx.tunables().number("khugepaged/scan_sleep_millisecs") * 1_000_000L;
    }

    /** No cursor: each wake walks every reservation from the first, so it depends on the machine alone. */
    @Override
    public Object scanCursor(PromotionContext ctx) {
        return atFault; // a change of mode is a change of what a wake does
    }

    @Override
    public void wake(PromotionContext ctx) {
        if (atFault || ctx.tunables().pmdEnabled() == ThpEnabled.NEVER) {
            return;
        }
        long threshold = ctx.tunables().number("promotion_threshold");
        long budget = Math.max(1, ctx.tunables().number("khugepaged/pages_to_scan") / 512);
        for (ReservationInfo r : ctx.reservations()) {
            if (budget <= 0) {
                break;
            }
            if (r.used() >= threshold) {
                ctx.promoteReservation(r.mm(), r.address());
                budget--;
            }
        }
    }

    @Override
    public void reservationFaulted(PromotionContext ctx, int mm, long address, int used) {
        if (atFault && used >= ctx.tunables().number("promotion_threshold")) {
            ctx.promoteReservation(mm, address);
        }
    }
}
