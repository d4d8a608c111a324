package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;

/**
 * min_free_kbytes and the watermarks as Linux 6.18 sets them for one zone: calculate_min_free_kbytes()
 * at boot, set_recommended_min_free_kbytes() from start_stop_khugepaged() at boot and after every
 * write of a THP enabled knob, and the vm.min_free_kbytes / vm.watermark_scale_factor handlers.
 * The expected figures are the kernel's formulas worked by hand for a 1 GiB machine (261632 managed
 * pages: the first pageblock is the kernel's; watermark_scale_factor 10: a step of at least 261
 * pages) and a 64 MiB one (15872 managed pages).
 */
class MinFreeKbytesTest {
    private static final long M = 1L << 20;

    private static MachineOps boot(long bytes, String enabled) {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        MachineOps mm = rt.defaultMachine().ops();
        mm.sysfs("enabled", enabled);
        mm.boot(bytes, 0, 0);
        return mm;
    }

    private static long minFree(MachineOps mm) {
        return Long.parseLong(mm.sysctl().get("vm.min_free_kbytes"));
    }

    /** WMARK_HIGH in pages, from /proc/zoneinfo; MemAvailable subtracts it too (totalreserve_pages: one zone, no lowmem_reserve). */
    private static long high(MachineOps mm) {
        long high = mm.zoneinfo().get("high");
        assertEquals(high, (mm.meminfo().get("MemFree") - mm.meminfo().get("MemAvailable")) / 4);
        return high;
    }

    @Test
    void withPmdThpsEnabledTheBootRaisesItToElevenPageblocks() {
        MachineOps mm = boot(1024 * M, "always");
        // (2 + 3 * 3) pageblocks of 512 pages = 5632 pages, under 5% of (261632 - high) pages.
        assertEquals(22528, minFree(mm));
        assertEquals(5632 + 2 * 1408, high(mm)); // step max(5632 / 4, 261)
        assertEquals(5632, mm.zoneinfo().get("min"));
        assertEquals(5632 + 1408, mm.zoneinfo().get("low"));
        assertEquals(5632 + 3 * 1408, mm.zoneinfo().get("promo"));
        assertEquals(261632, mm.zoneinfo().get("managed"));
        assertEquals(262144, mm.zoneinfo().get("spanned"));
        assertFalse(String.join("\n", mm.dmesg()).contains("raising min_free_kbytes"), "only a user's value is reported raised");
    }

    @Test
    void aSmallMachineIsCappedAtFivePercentOfWhatLiesAboveHigh() {
        MachineOps mm = boot(64 * M, "madvise");
        // Boot: int_sqrt(15872 * 64) = 1007 kB, 251 pages, high 251 + 2 * 62 = 375; then
        // min(5632, (15872 - 375) / 20 = 774) pages.
        assertEquals(3096, minFree(mm));
        assertEquals(774 + 2 * 193, high(mm));
    }

    @Test
    void withPmdThpsNeverTheBootComputesItAgainAboveTheFirstHighWatermark() {
        MachineOps mm = boot(1024 * M, "never");
        // init: int_sqrt(261632 * 64) = 4091 kB, 1022 pages, high 1022 + 2 * 261 = 1544; then
        // calculate_min_free_kbytes() again: int_sqrt((261632 - 1544) * 64) = 4079.
        assertEquals(4079, minFree(mm));
        assertEquals(1019 + 2 * 261, high(mm));
    }

    @Test
    void everyEnabledWriteRecomputesItAndOtherKnobsDoNot() {
        MachineOps mm = boot(1024 * M, "always");
        mm.sysfs("enabled", "never");
        // From the raised high watermark (8448): int_sqrt((261632 - 8448) * 64) = 4025.
        assertEquals(4025, minFree(mm));
        mm.sysfs("khugepaged/max_ptes_none", "64");
        mm.sysfs("defrag", "never");
        assertEquals(4025, minFree(mm), "only enabled_store() and thpsize_enabled_store() call start_stop_khugepaged()");
        mm.sysfs("enabled", "never"); // the same value: still start_stop_khugepaged(), from high 1006 + 2 * 261
        assertEquals(4080, minFree(mm));
        mm.sysfs("hugepages-2048kB/enabled", "always"); // PMD-sized THPs on again, whatever enabled says
        assertEquals(22528, minFree(mm));
        mm.sysfs("hugepages-2048kB/enabled", "inherit");
        assertEquals(4025, minFree(mm));
        mm.sysfs("hugepages-64kB/enabled", "always"); // an mTHP size alone does not enable PMD THPs
        assertEquals(4080, minFree(mm));
    }

    @Test
    void aUserValueIsRaisedWithAMessageAndAHigherOneIsKept() {
        MachineOps mm = boot(1024 * M, "always");
        mm.sysctl("vm.min_free_kbytes", "1000");
        assertEquals(1000, minFree(mm));
        assertEquals(250 + 2 * 261, high(mm));
        mm.sysfs("enabled", "madvise");
        assertEquals(22528, minFree(mm));
        assertTrue(String.join("\n", mm.dmesg()).contains(
                "khugepaged: raising min_free_kbytes from 1000 to 22528 to help transparent hugepage allocations"), mm.dmesg().toString());
        mm.sysctl("vm.min_free_kbytes", "100000");
        mm.sysfs("enabled", "always");
        assertEquals(100000, minFree(mm), "the recommendation only raises");
        mm.sysfs("enabled", "never");
        assertEquals(100000, minFree(mm), "calculate_min_free_kbytes() keeps a larger user value");
        assertTrue(String.join("\n", mm.dmesg()).contains(
                "min_free_kbytes is not updated to 3787 because user defined value 100000 is preferred"), mm.dmesg().toString());
        assertEquals(25000 + 2 * 6250, high(mm));
    }

    @Test
    void aUserValueOutlivesABootAsTheOtherKnobsDo() {
        MachineOps mm = boot(1024 * M, "never");
        mm.sysctl("vm.min_free_kbytes", "1000");
        mm.boot(1024 * M, 0, 0);
        assertEquals(4079, minFree(mm), "the boot's value is larger than the user's");
        mm.sysctl("vm.min_free_kbytes", "50000");
        mm.boot(1024 * M, 0, 0);
        assertEquals(50000, minFree(mm));
    }

    @Test
    void watermarkScaleFactorSpacesLowAndHigh() {
        MachineOps mm = boot(1024 * M, "always");
        mm.sysctl("vm.watermark_scale_factor", "100");
        // step max(5632 / 4, 261632 * 100 / 10000 = 2616)
        assertEquals(5632 + 2 * 2616, high(mm));
        assertEquals(22528, minFree(mm));
    }

    @Test
    void badValuesAreRefusedAndChangeNothing() {
        MachineOps mm = boot(1024 * M, "always");
        long high = high(mm);
        for (String[] bad : new String[][] {{"vm.min_free_kbytes", "-1"}, {"vm.min_free_kbytes", "2147483648"},
                {"vm.min_free_kbytes", "lots"}, {"vm.watermark_scale_factor", "0"}, {"vm.watermark_scale_factor", "3001"}}) {
            var e = assertThrows(MmUsageException.class, () -> mm.sysctl(bad[0], bad[1]));
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
        assertEquals(22528, minFree(mm));
        assertEquals(high, high(mm));
        assertEquals("10", mm.sysctl().get("vm.watermark_scale_factor"));
    }
}
