package org.thplab.mm.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * thp_vma_allowable_orders() of the anonymous sizes with TVA_ENFORCE_SYSFS as the mask the fault
 * path reads: {@code always} sizes, {@code madvise} ones in a VM_HUGEPAGE VMA, {@code inherit}
 * following the top-level {@code enabled}, kept up to date by every write.
 */
class AllowableOrdersTest {
    @Test
    void theMaskFollowsEverySizesModeAndInherit() {
        ThpTunables t = new ThpTunables();
        assertEquals(1 << 9, t.allowableOrders(false)); // enabled=always, 2048 kB inherits, the rest never
        t.set("hugepages-64kB/enabled", "always");
        t.set("hugepages-16kB/enabled", "madvise");
        assertEquals(1 << 9 | 1 << 4, t.allowableOrders(false));
        assertEquals(1 << 9 | 1 << 4 | 1 << 2, t.allowableOrders(true));
        t.set("enabled", "madvise"); // 2048 kB inherits madvise now
        assertEquals(1 << 4, t.allowableOrders(false));
        assertEquals(1 << 9 | 1 << 4 | 1 << 2, t.allowableOrders(true));
        t.set("hugepages-32kB/enabled", "inherit");
        t.set("enabled", "never");
        assertEquals(1 << 4, t.allowableOrders(true) & ~(1 << 2));
        t.set("hugepages-2048kB/enabled", "always");
        assertEquals(1 << 9 | 1 << 4, t.allowableOrders(false));
        assertEquals(t.copyWritable().allowableOrders(true), t.allowableOrders(true)); // a copy's mask too
    }
}
