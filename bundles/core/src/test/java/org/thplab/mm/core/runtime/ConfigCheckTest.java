package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;

/**
 * A configuration is checked whole before any of it applies (issue: config:set of
 * khugepaged.max_ptes_none abc printed success, then SCR's stack trace, and left the rest of
 * the configuration unapplied; a fault selection of two names selected "[Ljava.lang.String;@..").
 */
class ConfigCheckTest {
    private static MmRuntime runtime() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        return rt;
    }

    @Test
    void aBadTunableNamesTheKeyTheValueAndTheRange() {
        MmRuntime rt = runtime();
        List<String> p = rt.checkConfiguration(MmRuntime.TUNABLES_PID, Map.of("khugepaged.max_ptes_none", "abc"));
        assertEquals(List.of("khugepaged.max_ptes_none=abc: invalid value 'abc' for khugepaged/max_ptes_none (a number from 0 to 511)"), p);
        p = rt.checkConfiguration(MmRuntime.TUNABLES_PID, Map.of("khugepaged.max_ptes_none", "512"));
        assertTrue(p.get(0).contains("out of range") && p.get(0).contains("0 to 511"), p.toString());
        p = rt.checkConfiguration(MmRuntime.TUNABLES_PID, Map.of("khugepaged.max_ptes_nonee", "5"));
        assertTrue(p.get(0).startsWith("khugepaged.max_ptes_nonee: no such tunable"), p.toString());
        assertEquals(List.of(), rt.checkConfiguration(MmRuntime.TUNABLES_PID,
                Map.of("enabled", "madvise", "khugepaged.max_ptes_none", 64, "service.pid", MmRuntime.TUNABLES_PID)));
    }

    @Test
    void aConfigurationWithOneBadKeyAppliesNothing() {
        MmRuntime rt = runtime();
        Map<String, Object> props = new HashMap<>();
        props.put("enabled", "never");
        props.put("khugepaged.max_ptes_none", "abc");
        // DS hands the typed interface too; its getters are never reached
        rt.configure(null, props);
        var t = rt.defaultMachine().ops().tunables();
        assertEquals("[always] madvise never", t.read("enabled"));
        assertEquals(511, t.number("khugepaged/max_ptes_none"));
    }

    @Test
    void aSingleKindTakesOneRegisteredName() {
        MmRuntime rt = runtime();
        List<String> p = rt.checkConfiguration("org.thplab.mm.policy.fault", Map.of("fault", new String[] {"base", "thp"}));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("fault: one fault policy, not 2 values (base, thp)"), p.get(0));
        assertTrue(p.get(0).contains("registered: base, mthp, reservation, thp"), p.get(0));
        p = rt.checkConfiguration("org.thplab.mm.policy.cow", Map.of("cow", "nope"));
        assertEquals(List.of("cow: no cow policy 'nope' (registered: adaptive, huge, pte)"), p);
        assertEquals(List.of(), rt.checkConfiguration("org.thplab.mm.policy.cow", Map.of("cow", "huge")));
        assertEquals(List.of(), rt.checkConfiguration("org.thplab.mm.policy.promotion",
                Map.of("promotion", new String[] {"khugepaged", "madv-collapse"})));
    }
}
