package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.core.policy.PolicyKind;

/** The metatype OCDs repeat what PolicyKind knows (annotations take only constants): they must agree. */
class PolicySelectionConfigTest {
    @Test
    void oneOcdPerKindWithItsPropertyAndDefaults() {
        List<String> kinds = new ArrayList<>();
        for (Class<?> c : PolicySelectionConfig.class.getDeclaredClasses()) {
            if (!c.isAnnotation()) {
                continue;
            }
            Method[] properties = c.getDeclaredMethods();
            assertEquals(1, properties.length, c + " has one property, named after its kind");
            PolicyKind kind = PolicyKind.of(properties[0].getName());
            assertEquals(kind.name(), c.getSimpleName().toUpperCase(), c + " is named after its kind");
            kinds.add(kind.id());
            Object dflt = properties[0].getDefaultValue();
            if (kind.single()) {
                assertEquals(kind.defaultPolicy(), dflt, c.toString());
            } else {
                assertArrayEquals(kind.defaults().toArray(new String[0]), (String[]) dflt, c.toString());
            }
        }
        List<String> all = new ArrayList<>();
        for (PolicyKind k : PolicyKind.values()) {
            all.add(k.id());
        }
        assertTrue(kinds.containsAll(all) && all.containsAll(kinds), kinds + " against " + all);
        assertEquals(all.size(), kinds.size(), kinds.toString());
    }
}
