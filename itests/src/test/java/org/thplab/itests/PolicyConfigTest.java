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
 * does not undo a newer selection. A policy's own settings are a configuration of its PID, with
 * metatype: cow-adaptive's and reclaim-underused's change what they decide.
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

    /** The value of a property of the policy service {@code kind}/{@code name} (DS publishes its configuration). */
    private static Object serviceProperty(String kind, String name, String key) {
        org.osgi.framework.BundleContext context = org.osgi.framework.FrameworkUtil.getBundle(PolicyConfigTest.class).getBundleContext();
        try {
            var refs = context.getServiceReferences((String) null, "(&(policy.kind=" + kind + ")(policy.name=" + name + "))");
            return refs == null || refs.length != 1 ? "no single service" : refs[0].getProperty(key);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private void configurePolicy(String pid, String kind, String name, String key, Object value) throws Exception {
        Dictionary<String, Object> d = new Hashtable<>();
        d.put(key, value);
        ca.getConfiguration(pid, "?").update(d);
        Itests.await(pid + " delivered", () -> String.valueOf(value).equals(String.valueOf(serviceProperty(kind, name, key))));
    }

    /** Deletes the policy's configuration; DS then publishes the defaults of its configuration type. */
    private void deletePolicyConfiguration(String pid, String kind, String name, String key, Object dflt) throws Exception {
        Configuration c = ca.getConfiguration(pid, "?");
        if (c.getProperties() != null) {
            c.delete();
        }
        Itests.await(pid + " deleted", () -> String.valueOf(dflt).equals(String.valueOf(serviceProperty(kind, name, key))));
    }

    @Test
    void cowAdaptiveHotSignalIsConfigurable() throws Exception {
        try {
            // Select every kind the workload depends on: an earlier test's configuration may still
            // be arriving (a selection written here has a newer seq, which a late echo cannot undo).
            policies.usePolicy("fault", "thp");
            policies.usePolicy("promotion", "-khugepaged");
            policies.usePolicy("cow", "adaptive");
            assertEquals("young", serviceProperty("cow", "adaptive", "hot_signal"), "the default, published by DS");
            mm.sysfs("enabled", "always");
            mm.boot(256L << 20, 0, 3);
            mm.spawn("p");
            mm.mmap("p", "h", 4L << 20);
            assertTrue(mm.madvise("p", "h", 0, 4L << 20, org.thplab.mm.api.Advice.HUGEPAGE).ok());
            assertTrue(mm.touch("p", "h", 0, 4L << 20, true).ok());
            assertTrue(mm.fork("p", "c").ok());
            // hot_signal=young (the default): the child's PMD is old after fork: split, 4 KiB.
            assertTrue(mm.touch("c", "h", 0, 4096, true).ok());
            assertEquals(1, mm.vmstat().get("thp_split_pmd"));
            assertEquals(2, mm.vmstat().get("thp_fault_alloc"), active("fault") + " " + mm.vmstat());
            // hot_signal=referenced: the parent's PMD is young: all 2 MiB.
            configurePolicy("org.thplab.policy.cowadaptive", "cow", "adaptive", "hot_signal", "referenced");
            assertTrue(mm.touch("c", "h", 2L << 20, 4096, true).ok());
            assertEquals(1, mm.vmstat().get("thp_split_pmd"));
            assertEquals(3, mm.vmstat().get("thp_fault_alloc"));
            assertEquals(List.of(), mm.check());
            assertEquals(0, mm.verify("c", "h"));
        } finally {
            deletePolicyConfiguration("org.thplab.policy.cowadaptive", "cow", "adaptive", "hot_signal", "young");
        }
    }

    @Test
    void reclaimUnderusedThresholdIsConfigurable() throws Exception {
        try {
            policies.usePolicy("fault", "thp");
            policies.usePolicy("promotion", "-khugepaged");
            policies.usePolicy("reclaim", "underused");
            configurePolicy("org.thplab.policy.reclaimunderused", "reclaim", "underused", "max_ptes_none", 255);
            mm.sysfs("enabled", "always");
            mm.boot(64L << 20, 0, 3);
            mm.spawn("p");
            mm.mmap("p", "u", 2L << 20);
            assertTrue(mm.madvise("p", "u", 0, 2L << 20, org.thplab.mm.api.Advice.HUGEPAGE).ok());
            assertTrue(mm.touch("p", "u", 0, 40L << 10, true).ok()); // 502 of 512 subpages zero-filled
            // Pressure: kswapd wakes, the underused shrinker splits u (more than 255 zero-filled).
            long runs = mm.vmstat().get("pageoutrun");
            mm.spawn("hog");
            mm.mmap("hog", "h", 62L << 20);
            assertTrue(mm.madvise("hog", "h", 0, 62L << 20, org.thplab.mm.api.Advice.NOHUGEPAGE).ok());
            for (long off = 0; mm.vmstat().get("pageoutrun") == runs; off += 4096) {
                assertTrue(mm.touch("hog", "h", off, 4096, true).ok());
            }
            mm.exit("hog");
            assertEquals(511, mm.tunables().number("khugepaged/max_ptes_none"));
            assertEquals(1, mm.vmstat().get("thp_underused_split_page"));
            assertEquals(40, mm.smaps("p", "u").stream().mapToLong(e -> e.rssKb()).sum());
            assertEquals(List.of(), mm.check());
            assertEquals(0, mm.verify("p", "u"));
        } finally {
            deletePolicyConfiguration("org.thplab.policy.reclaimunderused", "reclaim", "underused", "max_ptes_none", 511);
        }
    }

    @Test
    void lruShrinkerScanArithmeticIsConfigurable() throws Exception {
        try {
            policies.usePolicy("fault", "thp");
            policies.usePolicy("promotion", "-khugepaged");
            policies.usePolicy("reclaim", "lru-shrinker");
            assertEquals("target", serviceProperty("reclaim", "lru-shrinker", "scan"), "the default, published by DS");
            assertEquals(1, kswapdSplits(), "scan=target: kswapd's pass splits the one queued THP");
            // scan=6.18: do_shrink_slab() with one object scans (1 >> priority) * 4 / 2 = 0 down
            // to kswapd's last priority, 1: the THP stays queued.
            configurePolicy("org.thplab.policy.reclaimlrushrinker", "reclaim", "lru-shrinker", "scan", "6.18");
            assertEquals(0, kswapdSplits());
        } finally {
            deletePolicyConfiguration("org.thplab.policy.reclaimlrushrinker", "reclaim", "lru-shrinker", "scan", "target");
        }
    }

    /** A partially mapped THP on the deferred split queue, then pressure until kswapd has run: its splits. */
    private long kswapdSplits() {
        mm.sysfs("enabled", "always");
        mm.boot(64L << 20, 0, 3);
        mm.spawn("p");
        mm.mmap("p", "u", 2L << 20);
        assertTrue(mm.madvise("p", "u", 0, 2L << 20, org.thplab.mm.api.Advice.HUGEPAGE).ok());
        assertTrue(mm.touch("p", "u", 0, 2L << 20, true).ok());
        mm.munmap("p", "u", 0, 1L << 20); // partially mapped: flagged and queued
        long runs = mm.vmstat().get("pageoutrun");
        mm.spawn("hog");
        mm.mmap("hog", "h", 60L << 20);
        assertTrue(mm.madvise("hog", "h", 0, 60L << 20, org.thplab.mm.api.Advice.NOHUGEPAGE).ok());
        for (long off = 0; mm.vmstat().get("pageoutrun") == runs; off += 4096) {
            assertTrue(mm.touch("hog", "h", off, 4096, true).ok());
        }
        mm.exit("hog");
        assertEquals(0, mm.vmstat().get("allocstall_normal"), "kswapd alone reclaimed");
        assertEquals(List.of(), mm.check());
        return mm.vmstat().get("thp_split_page");
    }
}
