package org.thplab.mm.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Policy @Policy} gives the properties the constants of {@link Policies} name. */
class PolicyTest {
    @Test
    void thePrefixAndElementNamesMakeThePropertyNames() throws Exception {
        // DS 112.8.2.1: PREFIX_ + element name, with no '_' or '$' in the names to translate.
        assertEquals(Policies.KIND, Policy.PREFIX_ + Policy.class.getMethod("kind").getName());
        assertEquals(Policies.NAME, Policy.PREFIX_ + Policy.class.getMethod("name").getName());
        assertEquals("policy.kind", Policies.KIND);
        assertEquals("policy.name", Policies.NAME);
    }

    @Test
    void eachKindConstantIsTheKindsPropertyValue() {
        // An enum element's property value is the constant's name.
        assertEquals(List.of(Policies.KIND_ALLOCATION, Policies.KIND_FAULT, Policies.KIND_PROMOTION,
                Policies.KIND_RECLAIM, Policies.KIND_COW),
                List.of(Policy.Kind.values()).stream().map(Enum::name).toList());
    }
}
