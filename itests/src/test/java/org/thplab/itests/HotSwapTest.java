package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.Workloads;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.alloc.PhysicalMemory;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.PromotionPolicy;

/**
 * Policy bundles updated, stopped, uninstalled and reinstalled while a workload runs in the
 * background, and broken policy services registered from outside the core: the core detaches
 * what leaves, falls back visibly, disables what misbehaves with a reason, and the machine stays
 * consistent (check) with no page content lost (verify).
 */
class HotSwapTest {
    @InjectBundleContext
    BundleContext context;
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    MachineOps mm;
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    PolicyAdmin policies;
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    Workloads workloads;

    private Bundle bundle(String bsn) {
        return Itests.bundle(context, bsn);
    }

    private PolicyInfo info(String kind) {
        return Itests.policy(policies, kind);
    }


    private void consistent() {
        assertEquals(List.of(), mm.check());
        for (String proc : mm.processes()) {
            for (var e : mm.smaps(proc, null)) {
                assertEquals(0, mm.verify(proc, e.region()), proc + " " + e.region());
            }
        }
    }

    @AfterEach
    void defaults() {
        Itests.restoreDefaultPolicies(policies, mm);
    }

    @Test
    void bundlesComeAndGoUnderARunningWorkload() throws Exception {
        mm.sysfs("enabled", "always");
        mm.sysfs("khugepaged/scan_sleep_millisecs", "10");
        policies.usePolicy("fault", "reservation");
        int job = workloads.runBackground(MachineFactory.DEFAULT, "rfc-fork", Map.of("size", Long.toString(16L << 30), "chunk", Long.toString(1L << 30), "pattern", "random", "seed", "5"));

        // update: the same jar again; the new service takes the selected name back.
        Bundle faultRes = bundle("org.thplab.policy.fault-reservation");
        long resBefore = mm.vmstat().get("thp_res_alloc");
        faultRes.update();
        Itests.await("fault-reservation back after update", () -> info("fault").active().size() == 1
                && info("fault").active().get(0).startsWith("reservation "));

        // uninstall and install again: khugepaged leaves the promoter set and comes back enabled.
        Bundle khugepaged = bundle("org.thplab.policy.promote-khugepaged");
        String location = khugepaged.getLocation();
        khugepaged.uninstall();
        assertTrue(info("promotion").active().stream().noneMatch(a -> a.startsWith("khugepaged ")));
        // Installed through the framework's own context: osgi-test uninstalls what the injected one installs.
        Bundle again = org.osgi.framework.FrameworkUtil.getBundle(HotSwapTest.class).getBundleContext().installBundle(location);
        again.start();
        Itests.await("khugepaged back", () -> info("promotion").active().stream().anyMatch(a -> a.startsWith("khugepaged ")));

        // stop: the reclaim kind falls back, visibly, and comes back on start.
        Bundle lru = bundle("org.thplab.policy.reclaim-lru-shrinker");
        lru.stop();
        assertTrue(info("reclaim").active().isEmpty(), info("reclaim").toString());
        lru.start();
        Itests.await("lru-shrinker back", () -> info("reclaim").active().size() == 1);

        // The job runs on its own thread; on a loaded machine it may not have faulted since the
        // update yet, so wait for it rather than assert on whatever it managed so far.
        Itests.await("reservations made after the swaps", () -> mm.vmstat().get("thp_res_alloc") > resBefore);
        String report = workloads.stop(job);
        System.out.println("hot swap under rfc-fork:\n" + report);
        for (PolicyInfo p : policies.policies()) {
            assertFalse(p.candidates().toString().contains("[disabled"), p.toString());
        }
        consistent();
    }

    /** A fault policy that throws on every call. */
    static final class Throwing implements FaultPolicy {
        @Override
        public FaultOutcome fault(org.thplab.mm.spi.fault.AnonFault fault) {
            throw new IllegalStateException("deliberately broken");
        }
    }

    /** A promoter that never returns from its wake without the core stopping it. */
    static final class Looping implements PromotionPolicy {
        @Override
        public long nextWake(PromotionContext ctx) {
            return 10_000_000L;
        }

        @Override
        public void wake(PromotionContext ctx) {
            while (true) {
                ctx.khugepagedMms(); // every mechanism checks the budget
                ctx.charge(1_000_000L);
            }
        }
    }

    /** A fault policy that maps a THP from a thread of its own, while its call waits for that thread. */
    static final class ThreadHopper implements FaultPolicy {
        volatile RuntimeException refused;

        @Override
        public FaultOutcome fault(org.thplab.mm.spi.fault.AnonFault fault) {
            Thread t = new Thread(() -> {
                try {
                    fault.mapNewHugePage();
                } catch (RuntimeException e) {
                    refused = e;
                }
            }, "hostile-helper");
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FaultOutcome.FALLBACK;
        }
    }

    /** A promoter whose wake sleeps for a minute and swallows the interrupt that ends it. */
    static final class Sleeping implements PromotionPolicy {
        @Override
        public long nextWake(PromotionContext ctx) {
            return 10_000_000L;
        }

        @Override
        public void wake(PromotionContext ctx) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // swallowed: the core must stop it all the same
            }
        }
    }

    /** Hostile services (docs/reliability.md): each disabled with its reason, the machine consistent. */
    @Test
    void hostilePolicyServicesAreContained() throws Exception {
        ThreadHopper hopper = new ThreadHopper();
        ServiceRegistration<?> hop = register(FaultPolicy.class, hopper, Policies.KIND_FAULT, "hostile-thread");
        ServiceRegistration<?> sleeps = register(PromotionPolicy.class, new Sleeping(), Policies.KIND_PROMOTION, "hostile-sleeps");
        try {
            mm.sysfs("enabled", "always");
            mm.boot(256L << 20, 0, 9);
            mm.spawn("p");
            mm.mmap("p", "a", 8L << 20);
            policies.usePolicy("fault", "hostile-thread");
            policies.usePolicy("promotion", "+hostile-sleeps");
            assertTrue(mm.touch("p", "a", 0, 8L << 20, true).ok(), "the fault completed by the fallback");
            long t0 = System.nanoTime();
            mm.tick(100_000_000L);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 30_000, "the sleeping wake was stopped at its budget, not after a minute: " + ms + " ms");
            String fault = info("fault").candidates().toString();
            String promotion = info("promotion").candidates().toString();
            assertTrue(hopper.refused != null && hopper.refused.getMessage().startsWith(
                    "used its context from thread 'hostile-helper' during a call on thread '"), String.valueOf(hopper.refused));
            assertTrue(fault.contains("hostile-thread (thplab-itests-tests 0.1.0.SNAPSHOT) [disabled: used its context from thread"
                    + " 'hostile-helper' during a call"), fault);
            assertTrue(promotion.contains("hostile-sleeps (thplab-itests-tests 0.1.0.SNAPSHOT) [disabled: wake: ran past its time budget"),
                    promotion);
            assertEquals(0, mm.vmstat().get("thp_fault_alloc"), "nothing mapped from the other thread");
            consistent();
        } finally {
            hop.unregister();
            sleeps.unregister();
        }
        Itests.await("the hostile services gone", () -> !info("fault").candidates().toString().contains("hostile"));
    }

    /** The four ways a policy can go wrong; each must leave the machine consistent and say why. */
    @Test
    void leakingAndDoubleMappingAllocatorsAreContained() throws Exception {
        AllocationPolicy leaks = (req, mem) -> {
            mem.takeFree(0, PhysicalMemory.WMARK_MIN); // taken and dropped
            return mem.takeFree(req.order(), PhysicalMemory.WMARK_MIN);
        };
        long[] first = {-1};
        AllocationPolicy twice = (req, mem) -> {
            if (first[0] < 0) {
                first[0] = mem.takeFree(req.order(), PhysicalMemory.WMARK_MIN);
            }
            return first[0]; // the same frame for every request
        };
        for (Object[] c : new Object[][] {{"broken-leaks", leaks, "the others would have leaked; they were freed"},
            {"broken-twice", twice, "that it did not take (a frame in use would be mapped twice)"}}) {
            ServiceRegistration<?> reg = register(AllocationPolicy.class, c[1], Policies.KIND_ALLOCATION, (String) c[0]);
            try {
                mm.boot(256L << 20, 0, 9);
                mm.spawn("p");
                mm.mmap("p", "a", 4L << 20);
                policies.usePolicy("allocation", (String) c[0]);
                assertTrue(mm.touch("p", "a", 0, 4L << 20, true).ok(), "completed by the fallback");
                PolicyInfo alloc = info("allocation");
                assertTrue(alloc.candidates().toString().contains(c[0] + " (thplab-itests-tests 0.1.0.SNAPSHOT) [disabled: "), alloc.toString());
                assertTrue(alloc.candidates().toString().contains((String) c[2]), alloc.toString());
                assertTrue(alloc.active().isEmpty(), "the fallback serves allocations");
                consistent();
            } finally {
                reg.unregister();
                policies.usePolicy("allocation", "buddy");
            }
        }
    }

    private ServiceRegistration<?> register(Class<?> type, Object service, String kind, String name) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Policies.KIND, kind);
        props.put(Policies.NAME, name);
        return context.registerService(type.getName(), service, props);
    }

    @Test
    void brokenPolicyServicesAreContained() throws Exception {
        ServiceRegistration<?> thrower = register(FaultPolicy.class, new Throwing(), Policies.KIND_FAULT, "broken-throws");
        ServiceRegistration<?> looper = register(PromotionPolicy.class, new Looping(), Policies.KIND_PROMOTION, "broken-loops");
        try {
            mm.sysfs("enabled", "always");
            mm.boot(256L << 20, 0, 9);
            mm.spawn("p");
            mm.mmap("p", "a", 8L << 20);
            policies.usePolicy("fault", "broken-throws");
            policies.usePolicy("promotion", "+broken-loops");
            assertTrue(mm.touch("p", "a", 0, 8L << 20, true).ok(), "the fault completed by the fallback");
            mm.tick(100_000_000L);
            String fault = info("fault").candidates().toString();
            String promotion = info("promotion").candidates().toString();
            assertTrue(fault.contains("broken-throws (thplab-itests-tests 0.1.0.SNAPSHOT) [disabled: fault: "
                    + "java.lang.IllegalStateException: deliberately broken]"), fault);
            assertTrue(promotion.contains("[disabled: wake: ran past its time budget"), promotion);
            assertEquals(0, mm.vmstat().get("thp_fault_alloc"), "the fallback maps base pages");
            assertTrue(info("fault").active().isEmpty());
            consistent();
        } finally {
            thrower.unregister();
            looper.unregister();
        }
        Itests.await("the broken services gone", () -> !info("fault").candidates().toString().contains("broken"));
    }
}
