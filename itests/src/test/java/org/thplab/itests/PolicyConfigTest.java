package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.PolicyInfo;

/**
 * The policy selection is also Configuration Admin configuration, one PID per kind
 * (org.thplab.mm.policy.kind): a configuration written from outside (config: commands, a .cfg in
 * deploy/) selects, mm:policy writes the configuration back, and a late echo of an older write
 * does not undo a newer selection.
 */
class PolicyConfigTest {
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    MachineOps mm;
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    PolicyAdmin policies;
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    ConfigurationAdmin ca;

    private List<String> active(String kind) {
        return Itests.policy(policies, kind).active();
    }


    private void write(String kind, Object value) throws Exception {
        Dictionary<String, Object> d = new Hashtable<>();
        d.put(kind, value);
        ca.getConfiguration(Itests.selectionPid(kind), "?").update(d);
    }

    private Object stored(String kind) throws Exception {
        Dictionary<String, Object> d = ca.getConfiguration(Itests.selectionPid(kind), "?").getProperties();
        return d == null ? null : d.get(kind);
    }

    @AfterEach
    void defaults() throws Exception {
        for (String kind : Itests.kinds(policies)) {
            Configuration c = ca.getConfiguration(Itests.selectionPid(kind), "?");
            if (c.getProperties() != null) {
                c.delete();
            }
        }
        Itests.restoreDefaultPolicies(policies, mm);
    }

    @Test
    void aConfigurationSelects() throws Exception {
        write("fault", "base");
        Itests.await("fault-base selected", () -> active("fault").size() == 1 && active("fault").get(0).startsWith("base "));
        write("promotion", new String[] {"khugepaged", "migration-entry"});
        Itests.await("two promoters", () -> active("promotion").size() == 2);
        assertTrue(active("promotion").get(0).startsWith("khugepaged "), active("promotion").toString());
        assertTrue(active("promotion").get(1).startsWith("migration-entry "), active("promotion").toString());
        // A .cfg file gives a comma-separated string.
        write("promotion", "madv-collapse, reservation");
        Itests.await("the .cfg form", () -> active("promotion").size() == 2 && active("promotion").get(0).startsWith("madv-collapse "));
    }

    @Test
    void aNameNotRegisteredLeavesTheKindOnItsFallbackUntilItArrives() throws Exception {
        write("reclaim", "not-installed");
        Itests.await("the reclaim fallback", () -> active("reclaim").isEmpty());
        PolicyInfo reclaim = Itests.policy(policies, "reclaim");
        assertEquals("release everything THP-related on pressure", reclaim.fallback());
    }

    @Test
    void mmPolicyWritesTheConfigurationBack() throws Exception {
        policies.usePolicy("cow", "huge");
        assertEquals("huge", stored("cow"));
        policies.usePolicy("promotion", "-madv-collapse");
        policies.usePolicy("promotion", "+migration-entry");
        assertArrayEquals(new String[] {"khugepaged", "migration-entry", "reservation"}, (String[]) stored("promotion"));
    }

    @Test
    void theConfigCommandsAgreeWithMmPolicy(@InjectService(timeout = RuntimeSmokeTest.TIMEOUT) CommandProcessor processor)
            throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new java.io.ByteArrayInputStream(new byte[0]), print, print);
        try {
            session.execute("config:set org.thplab.mm.policy.cow cow huge");
            Itests.await("cow-huge selected by config:set", () -> active("cow").size() == 1 && active("cow").get(0).startsWith("huge "));
            policies.usePolicy("fault", "base");
            String fault = String.valueOf(session.execute("config:get org.thplab.mm.policy.fault"));
            assertTrue(fault.contains("fault = base"), fault);
            String list = String.valueOf(session.execute("config:list org.thplab.mm.policy"));
            assertTrue(list.contains("org.thplab.mm.policy.cow") && list.contains("org.thplab.mm.policy.fault"), list);
        } finally {
            session.close();
        }
    }

    @Test
    void aLateEchoDoesNotUndoANewerSelection() throws Exception {
        for (int i = 0; i < 20; i++) {
            policies.usePolicy("fault", "base");
            policies.usePolicy("fault", "reservation");
        }
        policies.usePolicy("fault", "thp");
        Thread.sleep(300); // let Configuration Admin deliver every echo
        assertEquals(1, active("fault").size());
        assertTrue(active("fault").get(0).startsWith("thp "), active("fault").toString());
        assertEquals("thp", stored("fault"));
    }
}
