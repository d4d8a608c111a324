package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.util.tracker.ServiceTracker;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.spi.Policies;

/** The assembled runtime starts: core, shell and the policy bundles are wired and usable. */
class RuntimeSmokeTest {
    /** How long to wait for a service, in ms: DS activates components asynchronously. */
    static final long TIMEOUT = 10_000;

    @InjectBundleContext
    BundleContext context;

    @Test
    void everyBundleIsActive() {
        for (Bundle b : context.getBundles()) {
            if (b.getHeaders().get("Fragment-Host") == null) {
                assertEquals(Bundle.ACTIVE, b.getState(), () -> b.getSymbolicName() + " is not active");
            }
        }
    }

    @Test
    void theDefaultMachineBoots(@InjectService(timeout = TIMEOUT) MachineOps mm) {
        assertNotNull(mm.boot(1L << 30, 0, 0));
        assertEquals(MachineFactory.DEFAULT, mm.name());
    }

    @Test
    void aNamedMachineBootsBesideTheDefaultOne(@InjectService(timeout = TIMEOUT) MachineFactory machines,
            @InjectService(timeout = TIMEOUT) MachineOps defaultOps) {
        var a = machines.create("smoke-a");
        try {
            a.ops().boot(64L << 20, 0, 1);
            a.policyAdmin().usePolicy("fault", "base");
            assertTrue(machines.names().contains("smoke-a"));
            assertEquals(1, Itests.policy(a.policyAdmin(), "fault").active().size());
            assertTrue(Itests.policy(a.policyAdmin(), "fault").active().get(0).startsWith("base "));
            assertNotNull(machines.defaultMachine());
            assertEquals(defaultOps.name(), machines.defaultMachine().ops().name());
        } finally {
            machines.remove("smoke-a");
        }
    }

    @Test
    void theFivePolicyServicesAreRegistered() throws Exception {
        // Policies register under their own SPI interfaces; find them all by the kind property.
        Set<String> expected = Set.of("allocation/buddy", "fault/thp", "fault/base", "cow/pte", "cow/huge");
        Set<String> found = new TreeSet<>();
        ServiceTracker<Object, Object> tracker =
            new ServiceTracker<>(context, context.createFilter("(" + Policies.KIND + "=*)"), null);
        tracker.open(true);
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT);
            do {
                found.clear();
                ServiceReference<Object>[] refs = tracker.getServiceReferences();
                for (ServiceReference<Object> ref : refs == null ? List.<ServiceReference<Object>>of() : List.of(refs)) {
                    found.add(ref.getProperty(Policies.KIND) + "/" + ref.getProperty(Policies.NAME));
                }
            } while (!found.containsAll(expected) && System.nanoTime() < deadline && sleep());
        } finally {
            tracker.close();
        }
        assertTrue(found.containsAll(expected), () -> "policy services: " + found);
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(20);
        return true;
    }

    @Test
    void theMmCommandsAreRegisteredWithGogo(@InjectService(timeout = TIMEOUT) CommandProcessor processor) throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences((String) null,
            "(&(osgi.command.scope=mm)(osgi.command.function=help))");
        assertNotNull(refs, "no service provides mm:help");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            Object help = session.execute("mm:help");
            assertNotNull(help);
            assertTrue(help.toString().contains("mm:vmstat"), () -> "mm:help printed: " + help);
        } finally {
            session.close();
        }
    }

    /** run --json through Gogo in the framework: the shell bundle's Jackson writes the workload's result. */
    @Test
    void runJsonWritesTheResultThroughGogo(@InjectService(timeout = TIMEOUT) CommandProcessor processor) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            String json = String.valueOf(session.execute("mm:run --json sparse-heap size=256M heap=16M cycles=1 sleep=0"));
            assertTrue(json.startsWith("{") && json.strip().endsWith("}"), json);
            assertTrue(json.contains("\"workload\" : \"sparse-heap\"") && json.contains("\"heap\" : 16777216")
                    && json.contains("\"per_phase\" : [") && json.contains("\"measures\" : {"), json);
        } finally {
            session.close();
        }
    }
}
