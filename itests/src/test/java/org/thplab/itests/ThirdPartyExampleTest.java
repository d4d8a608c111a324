package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectService;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.PolicyInfo;

/**
 * The third-party example (examples/promote-utilization, built on its own against the api
 * artifact) installed from its jar into the running framework: it registers disabled, collapses
 * once enabled, and leaves cleanly when uninstalled.
 */
class ThirdPartyExampleTest {

    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    MachineOps mm;
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    PolicyAdmin policies;

    private PolicyInfo promotion() {
        return Itests.policy(policies, "promotion");
    }


    @Test
    void theExampleJarInstallsAndPromotes() throws Exception {
        File jar = new File(System.getProperty("thplab.example.jar"));
        assertTrue(jar.isFile(), "built by the reactor before the itests: " + jar);
        BundleContext context = FrameworkUtil.getBundle(ThirdPartyExampleTest.class).getBundleContext();
        Bundle example = context.installBundle(jar.toURI().toString());
        try {
            example.start();
            Itests.await("the utilization promoter", () -> promotion().candidates().stream().anyMatch(c -> c.startsWith("utilization (")));
            assertTrue(promotion().active().stream().noneMatch(a -> a.startsWith("utilization ")),
                    "a third-party promoter registers disabled");

            mm.sysfs("enabled", "always");
            mm.sysfs("khugepaged/scan_sleep_millisecs", "10");
            policies.usePolicy("promotion", "-khugepaged");
            policies.usePolicy("promotion", "+utilization");
            mm.boot(256L << 20, 0, 4);
            mm.spawn("p");
            mm.mmap("p", "a", 8L << 20);
            // Base pages (ineligible while faulted), 95% of each 2 MiB range in use, then eligible.
            assertTrue(mm.madvise("p", "a", 0, 8L << 20, Advice.NOHUGEPAGE).ok());
            for (long r = 0; r < 8L << 20; r += 2L << 20) {
                assertTrue(mm.touch("p", "a", r, 486L * 4096, true).ok());
            }
            assertTrue(mm.madvise("p", "a", 0, 8L << 20, Advice.HUGEPAGE).ok());
            mm.tick(1_000_000_000L);
            assertEquals(4, mm.vmstat().get("thp_collapse_alloc"), "the four 95%-used ranges collapsed");
            assertEquals(8192, mm.smaps("p", "a").stream().mapToLong(e -> e.anonHugeKb()).sum());
            assertEquals(List.of(), mm.check());
            assertEquals(0, mm.verify("p", "a"));
        } finally {
            example.uninstall();
            policies.usePolicy("promotion", "+khugepaged");
            mm.sysfs("khugepaged/scan_sleep_millisecs", "10000");
        }
        assertTrue(promotion().candidates().stream().noneMatch(c -> c.startsWith("utilization (")));
    }
}
