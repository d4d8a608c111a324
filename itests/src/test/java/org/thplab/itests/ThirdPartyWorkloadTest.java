package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
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
import org.thplab.mm.api.WorkloadResult;
import org.thplab.mm.api.Workloads;

/**
 * The third-party workload (examples/workload-stream, built on its own against the api
 * artifact) installed from its jar into the running framework: {@code run} lists it, it runs
 * (its results, without the SPI 1.1 methods, its report), and it is gone once uninstalled.
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
            // It implements neither results() nor fraction() (SPI 1.1's default methods): its
            // results are its report, its progress has no fraction, and it runs as before.
            List<Double> fractions = new ArrayList<>();
            WorkloadResult r = workloads.runResult(MachineFactory.DEFAULT, "stream", p, (where, steps, f) -> fractions.add(f));
            assertEquals(Map.of("report", base), r.results());
            assertEquals(base, r.report());
            assertEquals("3", r.parameters().get("ntimes"));
            fractions.forEach(f -> assertTrue(Double.isNaN(f), fractions.toString()));
        } finally {
            example.uninstall();
            mm.sysfs("enabled", "always");
        }
        assertFalse(workloads.installed().contains("stream"));
    }
}
