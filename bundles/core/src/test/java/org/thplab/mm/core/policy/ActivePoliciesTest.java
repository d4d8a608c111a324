package org.thplab.mm.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.PromotionPolicy;

/** Only the promoters that override reservationFaulted are called at a reservation fault, in their order. */
class ActivePoliciesTest {
    static class Listens implements PromotionPolicy {
        @Override
        public long nextWake(PromotionContext ctx) {
            return -1;
        }

        @Override
        public void reservationFaulted(PromotionContext context, int mm, long address, int used) {
        }
    }

    static class Deaf implements PromotionPolicy {
        @Override
        public long nextWake(PromotionContext ctx) {
            return -1;
        }
    }

    /** Overrides it by inheritance. */
    static class ListensToo extends Listens {
    }

    @Test
    void listenersAreThePromotersThatOverrideReservationFaulted() {
        PromotionPolicy a = new Listens();
        PromotionPolicy b = new Deaf();
        PromotionPolicy c = new ListensToo();
        ActivePolicies p = ActivePolicies.of(null, null, null, null, List.of(a, b, c));
        assertEquals(List.of(a, b, c), p.promoters());
        assertEquals(List.of(a, c), p.reservationListeners());
    }
}
