package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.SyscallResult;

/**
 * Without the promotion bundles the machine behaves as a kernel without khugepaged and
 * MADV_COLLAPSE: madvise(MADV_COLLAPSE) answers EINVAL and nothing collapses in the background.
 * Starting the bundles again brings both back, live.
 */
class PromotionBundlesTest {

    @InjectBundleContext
    BundleContext context;

    private Bundle bundle(String bsn) {
        return Itests.bundle(context, bsn);
    }

    private long anonHugeKb(MachineOps mm) {
        return mm.smaps("p", "a").stream().mapToLong(e -> e.anonHugeKb()).sum();
    }

    @Test
    void promotersComeAndGoWithTheirBundles(@InjectService(timeout = RuntimeSmokeTest.TIMEOUT) MachineOps mm,
            @InjectService(timeout = RuntimeSmokeTest.TIMEOUT) PolicyAdmin policies)
            throws Exception {
        Bundle khugepaged = bundle("org.thplab.policy.promote-khugepaged");
        Bundle madv = bundle("org.thplab.policy.promote-madv-collapse");
        Bundle reservation = bundle("org.thplab.policy.promote-reservation");
        mm.sysfs("enabled", "madvise");
        mm.sysfs("khugepaged/scan_sleep_millisecs", "10");
        mm.boot(1L << 30, 0, 3);
        mm.spawn("p");
        mm.mmap("p", "a", 4L << 20);
        assertTrue(mm.touch("p", "a", 0, 4L << 20, true).ok());
        try {
            khugepaged.stop();
            madv.stop();
            reservation.stop();
            SyscallResult r = mm.madvise("p", "a", 0, 2L << 20, Advice.COLLAPSE);
            assertEquals(Errno.EINVAL, r.errno(), r.toString());
            assertTrue(mm.madvise("p", "a", 0, 4L << 20, Advice.HUGEPAGE).ok());
            mm.tick(200_000_000L);
            assertEquals(0, anonHugeKb(mm), "nothing collapsed without khugepaged");
            assertEquals(0, mm.vmstat().get("thp_collapse_alloc"));
            assertTrue(policies.policies().stream().filter(p -> p.kind().equals("promotion")).findFirst().orElseThrow()
                    .active().isEmpty());
        } finally {
            khugepaged.start();
            madv.start();
            reservation.start();
        }
        mm.tick(100_000_000L);
        assertEquals(4096, anonHugeKb(mm), "khugepaged collapsed both ranges once back");
        mm.mmap("p", "b", 2L << 20);
        assertTrue(mm.touch("p", "b", 0, 2L << 20, true).ok());
        assertTrue(mm.madvise("p", "b", 0, 2L << 20, Advice.COLLAPSE).ok());
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.verify("p", "a"));
        assertEquals(0, mm.verify("p", "b"));
        mm.sysfs("khugepaged/scan_sleep_millisecs", "10000");
    }
}
