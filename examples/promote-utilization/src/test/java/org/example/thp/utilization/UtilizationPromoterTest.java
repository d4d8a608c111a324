package org.example.thp.utilization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.spi.promote.PmdScan;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.ScanResult;
import org.thplab.mm.spi.promote.VmaRange;

/** The promoter's decisions against a stand-in for the machine: no framework, no core. */
class UtilizationPromoterTest {
    static final long M2 = 2L << 20;

    /**
     * Address spaces of one VMA each; every range has a number of used pages. PromotionContext is
     * a {@code @ProviderType}: only the core implements it, and new thplab versions may add
     * methods to it. So the stand-in is a dynamic proxy that answers the methods the promoter
     * uses and refuses the others, and keeps compiling when the SPI grows.
     */
    static final class FakeMachine {
        final List<Integer> slots = new ArrayList<>();
        final Map<Integer, List<VmaRange>> vmas = new HashMap<>();
        final Map<Integer, Boolean> alive = new HashMap<>();
        final Map<Integer, Boolean> allowed = new HashMap<>();
        final Map<String, Integer> used = new HashMap<>(); // "mm@addr" -> used pages
        final List<String> collapsed = new ArrayList<>();
        int scans;

        void process(int mm, long start, long end, boolean thpAllowed, int... usedPerRange) {
            slots.add(mm);
            vmas.put(mm, List.of(new VmaRange(start, end, true, false, true)));
            alive.put(mm, true);
            allowed.put(mm, thpAllowed);
            for (int k = 0; k < usedPerRange.length; k++) {
                used.put(mm + "@" + (start + k * M2), usedPerRange[k]);
            }
        }

        private PromotionContext ctx;

        /** The machine's context: one object per machine, as the core hands it in. */
        PromotionContext ctx() {
            if (ctx == null) {
                ctx = newContext();
            }
            return ctx;
        }

        private PromotionContext newContext() {
            return (PromotionContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {PromotionContext.class}, (proxy, method, a) -> switch (method.getName()) {
                        case "khugepagedMms" -> new ArrayList<>(slots);
                        case "collectMmSlot" -> {
                            assertFalse(alive.get((Integer) a[0]), "collected a live address space");
                            slots.remove(a[0]);
                            yield null;
                        }
                        case "alive" -> alive.get((Integer) a[0]);
                        case "vmas" -> alive.get((Integer) a[0]) ? vmas.get((Integer) a[0]) : List.of();
                        case "thpAllowed" -> allowed.get((Integer) a[0]);
                        case "scanPmd" -> scanPmd((Integer) a[0], (Long) a[1], (Boolean) a[2]);
                        case "collapseHugePage" -> collapse((Integer) a[0], (PmdScan) a[1]);
                        case "charge" -> null;
                        case "now" -> 0L;
                        // an object like any other: the promoter keys its cursor by the context
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == a[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        PmdScan scanPmd(int mm, long address, boolean khugepaged) {
            assertFalse(khugepaged, "the promoter scans in the MADV_COLLAPSE context");
            scans++;
            Integer u = used.get(mm + "@" + address);
            ScanResult r = u == null || u == 0 ? ScanResult.SCAN_PMD_NULL
                    : collapsed.contains(mm + "@" + address) ? ScanResult.SCAN_PMD_MAPPED : ScanResult.SCAN_SUCCEED;
            int none = u == null ? 0 : 512 - u;
            return new PmdScan(r, address, none, 0, 0, 0, true);
        }

        ScanResult collapse(int mm, PmdScan scan) {
            assertEquals(ScanResult.SCAN_SUCCEED, scan.result());
            collapsed.add(mm + "@" + scan.address());
            return ScanResult.SCAN_SUCCEED;
        }
    }

    @Test
    void collapsesRangesAtOrAboveTheThreshold() {
        FakeMachine m = new FakeMachine();
        // 512 pages, 10%, 460 pages (89.8%), 461 pages (90.04%)
        m.process(1, 0x40000000L, 0x40000000L + 4 * M2, true, 512, 52, 460, 461);
        new UtilizationPromoter().wake(m.ctx());
        assertEquals(List.of("1@" + 0x40000000L, "1@" + (0x40000000L + 3 * M2)), m.collapsed);
    }

    @Test
    void aLowerThresholdCollapsesMore() {
        FakeMachine m = new FakeMachine();
        m.process(1, 0, 3 * M2, true, 410, 52, 384);
        new UtilizationPromoter(75, 50, 8).wake(m.ctx());
        assertEquals(List.of("1@0", "1@" + 2 * M2), m.collapsed);
    }

    @Test
    void theBudgetEndsAWakeAndTheNextGoesOnFromTheCursor() {
        FakeMachine m = new FakeMachine();
        m.process(1, 0, 5 * M2, true, 512, 512, 512, 512, 512);
        m.process(2, 0, 2 * M2, true, 512, 512);
        UtilizationPromoter p = new UtilizationPromoter(90, 50, 3);
        p.wake(m.ctx());
        assertEquals(List.of("1@0", "1@" + M2, "1@" + 2 * M2), m.collapsed);
        int scansBefore = m.scans;
        p.wake(m.ctx());
        assertEquals(List.of("1@0", "1@" + M2, "1@" + 2 * M2, "1@" + 3 * M2, "1@" + 4 * M2, "2@0"), m.collapsed);
        assertEquals(3, m.scans - scansBefore, "went on from the cursor, did not rescan from the head");
        p.wake(m.ctx());
        assertEquals(7, m.collapsed.size());
    }

    @Test
    void skipsIneligibleVmasPartialRangesAndExitedProcesses() {
        FakeMachine m = new FakeMachine();
        m.process(1, 0, 2 * M2, false, 512, 512);                  // sysfs says no (enabled=madvise, no VM_HUGEPAGE)
        m.process(2, M2 / 2, M2 / 2 + 2 * M2, true, 512, 512, 512); // only one aligned 2 MiB fits
        m.used.put("2@" + M2, 512);
        m.process(3, 0, M2, true, 512);
        m.alive.put(3, false);                                     // exited
        new UtilizationPromoter().wake(m.ctx());
        assertEquals(List.of("2@" + M2), m.collapsed);
        assertEquals(List.of(1, 2), m.slots, "the exited process's slot was collected");
    }

    @Test
    void nextWakeIsThePeriodInNanoseconds() {
        assertEquals(50_000_000L, new UtilizationPromoter().nextWake(new FakeMachine().ctx()));
        assertEquals(7_000_000L, new UtilizationPromoter(90, 7, 8).nextWake(new FakeMachine().ctx()));
    }

    @Test
    void utilizationIgnoresNoneZeroAndSwapPtes() {
        assertTrue(UtilizationPromoter.utilized(new PmdScan(ScanResult.SCAN_SUCCEED, 0, 51, 0, 0, 0, true), 90));
        assertFalse(UtilizationPromoter.utilized(new PmdScan(ScanResult.SCAN_SUCCEED, 0, 40, 12, 0, 0, true), 90));
        assertTrue(UtilizationPromoter.utilized(new PmdScan(ScanResult.SCAN_SUCCEED, 0, 0, 0, 0, 0, true), 100));
    }
}
