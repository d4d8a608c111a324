package org.thplab.policy.faultreservation;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.fault.AnonFault;
import org.thplab.mm.spi.fault.FaultPolicy;

/**
 * Reservation-based THP at fault time (Anthony Yznaga's RFC, November 2018): the first fault in
 * a suitable PMD range reserves an aligned 2 MiB block of base pages and maps the faulting page
 * from it; later faults in the range map from the reservation; a promoter turns it into a THP
 * once {@code promotion_threshold} pages are mapped. {@code promotion_threshold} 1 means a huge
 * page at the first fault, as the RFC documents.
 *
 * <p>Properties fix the RFC's known issues as the review thread suggested: no reservation on a
 * zero-page read fault (reserve on the first write instead), and VM_HUGEPAGE regions get huge
 * pages at the first fault; and one reproduces the RFC as posted, where the owner's CoW fault
 * on a reserved page releases the reservation.
 */
@Component(configurationPid = "org.thplab.policy.faultreservation")
@Policy(kind = Kind.fault, name = "reservation")
@Designate(ocd = ReservationFaultPolicy.Config.class)
public class ReservationFaultPolicy implements FaultPolicy {

    /** Configuration. */
    @ObjectClassDefinition(name = "thplab reservation faults", description = "THP reservations at fault time (2018 RFC)")
    /** Property names: a double underscore in a method name is one underscore in the property (OSGi component property types). */
    public @interface Config {
        @AttributeDefinition(description = "Reserve on a read fault too (the RFC as posted) instead of mapping the zero page until the first write")
        boolean reserve__on__read() default false;

        @AttributeDefinition(description = "VMAs marked MADV_HUGEPAGE get a huge page at the first fault")
        boolean madvise__huge__at__fault() default true;

        @AttributeDefinition(description = "The owner's CoW fault on a reserved page releases the reservation (the RFC as posted)")
        boolean release__on__cow() default false;
    }

    private volatile boolean reserveOnRead;
    private volatile boolean madviseHuge = true;
    private volatile boolean releaseOnCow;

    public ReservationFaultPolicy() {
    }

    /** For embedding outside a framework. */
    public ReservationFaultPolicy(boolean reserveOnRead, boolean madviseHuge, boolean releaseOnCow) {
        this.reserveOnRead = reserveOnRead;
        this.madviseHuge = madviseHuge;
        this.releaseOnCow = releaseOnCow;
    }

    @Activate
    @Modified
    void configure(Config c) {
        reserveOnRead = c.reserve__on__read();
        madviseHuge = c.madvise__huge__at__fault();
        releaseOnCow = c.release__on__cow();
    }

    @Override
    public FaultOutcome fault(AnonFault f) {
        if (!allowed(f)) {
            return FaultOutcome.FALLBACK;
        }
        if (f.reserved()) {
            return f.mapFromReservation();
        }
        if (!f.hugeSuitable()) {
            return FaultOutcome.FALLBACK;
        }
        boolean huge = f.tunables().number("promotion_threshold") == 1 || (madviseHuge && f.vmHugepage());
        if (huge) {
            if (!f.pmdNone()) {
                return FaultOutcome.FALLBACK;
            }
            return !f.write() && f.tunables().useZeroPage() ? f.mapHugeZeroPage() : f.mapNewHugePage();
        }
        if (!f.write() && !reserveOnRead) {
            return FaultOutcome.FALLBACK; // the zero page now; the first write reserves
        }
        return f.reserveAndMap();
    }

    @Override
    public boolean releaseReservationOnCow() {
        return releaseOnCow;
    }

    /** thp_vma_allowable_order() at fault time, as for fault-thp. */
    static boolean allowed(AnonFault f) {
        if (f.vmNoHugepage()) {
            return false;
        }
        Tunables t = f.tunables();
        return t.pmdEnabled() == ThpEnabled.ALWAYS || (t.pmdEnabled() == ThpEnabled.MADVISE && f.vmHugepage());
    }
}
