package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectService;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.Workloads;

/**
 * The third-party workload (examples/workload-stream, built on its own against the api
 * artifact) installed from its jar into the running framework: {@code run} lists it, it runs,
 * and it is gone once uninstalled.
 */
class ThirdPartyWorkloadTest {
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    Workloads workloads;
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    MachineOps mm;

    private static long misses(String report) {
        Matcher m = Pattern.compile("dTLB-load-misses (\\d+)").matcher(report);
        assertTrue(m.find(), report);
        return Long.parseLong(m.group(1));
    }

    @Test
    void theStreamWorkloadInstallsRunsAndLeaves() throws Exception {
        File jar = new File(System.getProperty("thplab.example.workload.jar"));
        assertTrue(jar.isFile(), "built by the reactor before the itests: " + jar);
        BundleContext context = FrameworkUtil.getBundle(ThirdPartyWorkloadTest.class).getBundleContext();
        Bundle example = context.installBundle(jar.toURI().toString());
        try {
            example.start();
            Itests.await("the stream workload", () -> workloads.installed().contains("stream"));
            Map<String, String> p = Map.of("size", Long.toString(256L << 20), "array", Long.toString(8L << 20), "ntimes", "3");
            mm.sysfs("enabled", "always");
            String thp = workloads.run(MachineFactory.DEFAULT, "stream", p);
            assertTrue(thp.contains("ran 3 passes") && thp.contains("AnonHugePages 24576 KiB"), thp);
            mm.sysfs("enabled", "never");
            String base = workloads.run(MachineFactory.DEFAULT, "stream", p);
            assertTrue(base.contains("AnonHugePages 0 KiB"), base);
            // Three passes over three 8 MiB arrays: every page misses the L1 dTLB on base pages,
            // one access in 512 on THPs.
            assertEquals(3 * 3 * 2048, misses(base), base);
            assertTrue(misses(thp) * 100 < misses(base), thp);
        } finally {
            example.uninstall();
            mm.sysfs("enabled", "always");
        }
        assertFalse(workloads.installed().contains("stream"));
    }
}
