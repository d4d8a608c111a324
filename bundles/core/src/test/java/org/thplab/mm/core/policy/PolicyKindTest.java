package org.thplab.mm.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.promote.PromotionPolicy;

class PolicyKindTest {
    @Test
    void kindsByTheirIds() {
        for (PolicyKind k : PolicyKind.values()) {
            assertSame(k, PolicyKind.of(k.id()));
            assertEquals(PolicyKind.PID_PREFIX + k.id(), k.pid());
        }
        assertSame(PolicyKind.PROMOTION, PolicyKind.of(Policies.KIND_PROMOTION));
        assertSame(PromotionPolicy.class, PolicyKind.PROMOTION.spi());
    }

    @Test
    void anUnknownKindNamesTheKindsThereAre() {
        var e = assertThrows(IllegalArgumentException.class, () -> PolicyKind.of("nosuchkind"));
        assertEquals("unknown kind 'nosuchkind' (allocation, fault, promotion, reclaim, cow)", e.getMessage());
    }

    @Test
    void onlyPromotionHasASet() {
        for (PolicyKind k : PolicyKind.values()) {
            assertEquals(k != PolicyKind.PROMOTION, k.single(), k.id());
        }
        assertThrows(IllegalStateException.class, PolicyKind.PROMOTION::defaultPolicy);
        assertEquals("mthp", PolicyKind.FAULT.defaultPolicy()); // Linux 6.8+: every THP size, as sysfs allows
    }
}
