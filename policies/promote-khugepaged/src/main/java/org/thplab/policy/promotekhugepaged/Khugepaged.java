package org.thplab.policy.promotekhugepaged;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.osgi.service.component.annotations.Component;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.promote.PmdScan;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.promote.ScanResult;
import org.thplab.mm.spi.promote.VmaRange;

/**
 * The khugepaged daemon (mm/khugepaged.c) on the machine's clock. Every
 * {@code khugepaged/scan_sleep_millisecs} it runs khugepaged_do_scan(): up to
 * {@code khugepaged/pages_to_scan} pages, mm slot after mm slot in registration order, VMA after
 * VMA, PMD-aligned range after range (khugepaged_scan_mm_slot()), each range checked by
 * hpage_collapse_scan_pmd() and collapsed by copy when it passes. After a failed huge page
 * allocation it sleeps {@code khugepaged/alloc_sleep_millisecs} and goes on once; a second
 * failure ends the pass. The thread does not run while {@code enabled} is never.
 *
 * <p>The only state kept here is the scan cursor (khugepaged_scan.mm_slot and .address), one
 * per machine: a machine is the {@link PromotionContext} it hands in, so machines that share
 * this service scan apart, and a machine booted anew starts at the head. The list of
 * registered address spaces is the core's.
 */
@Component
@Policy(kind = Kind.promotion, name = "khugepaged")
public class Khugepaged implements PromotionPolicy {
    static final int HPAGE_PMD_NR = 512;
    static final long HPAGE_PMD_SIZE = 2L << 20;
    /**
     * Simulated cost of one unit of scan progress that reads no page table (an mm slot's lock and
     * VMA walk, a VMA skipped): the scan costs what it scans, so even a pass that finds nothing
     * to read takes time, and scan_sleep_millisecs=0 is a busy daemon, not a loop at one instant.
     */
    static final long SCAN_STEP_NS = 100;

    /** khugepaged_scan of one machine. */
    private static final class Cursor {
        /** khugepaged_scan.mm_slot (an address space id, or null for "start at the head"). */
        Integer slot;
        /** khugepaged_scan.address. */
        long address;
        /** Pages left of a pass interrupted by khugepaged_alloc_sleep(), or 0. */
        long remaining;
        long nextDelay = -1;
    }

    /** By machine; weak, so that a machine nobody holds any more takes its cursor with it. */
    private final Map<PromotionContext, Cursor> cursors = Collections.synchronizedMap(new WeakHashMap<>());

    private Cursor cursor(PromotionContext ctx) {
        return cursors.computeIfAbsent(ctx, c -> new Cursor());
    }

    /**
     * khugepaged_wait_work(): with address spaces to scan, sleep scan_sleep_millisecs (0: scan
     * again at once); with none, wait until one enters (khugepaged_wait_event()); not at all
     * while enabled is never (start_stop_khugepaged() stopped the thread; a change of the
     * tunables asks again).
     */
    @Override
    public long nextWake(PromotionContext ctx) {
        Cursor c = cursor(ctx);
        if (c.nextDelay < 0) {
            if (ctx.tunables().pmdEnabled() == ThpEnabled.NEVER) {
                return -1;
            }
            if (ctx.khugepagedMms().isEmpty()) {
                return WAIT_FOR_WORK;
            }
            return millis(ctx, "khugepaged/scan_sleep_millisecs");
        }
        long d = c.nextDelay;
        c.nextDelay = -1;
        return d;
    }

    private static long millis(PromotionContext ctx, String knob) {
        return ctx.tunables().number(knob) * 1_000_000L;
    }

    /** What khugepaged_scan holds: a wake depends on nothing else but the machine and the tunables. */
    private record CursorState(Integer slot, long address, long remaining, long nextDelay) {
    }

    @Override
    public Object scanCursor(PromotionContext ctx) {
        Cursor c = cursor(ctx);
        return new CursorState(c.slot, c.address, c.remaining, c.nextDelay);
    }

    /** khugepaged_do_scan(). */
    @Override
    public void wake(PromotionContext ctx) {
        if (ctx.tunables().pmdEnabled() == ThpEnabled.NEVER) {
            return; // start_stop_khugepaged(): the thread is stopped
        }
        Cursor c = cursor(ctx);
        boolean resumed = c.remaining > 0;
        long pages = resumed ? c.remaining : ctx.tunables().number("khugepaged/pages_to_scan");
        c.remaining = 0;
        boolean wait = !resumed;
        long progress = 0;
        int passThroughHead = 0;
        ScanResult[] result = {ScanResult.SCAN_FAIL};
        while (true) {
            if (c.slot == null) {
                passThroughHead++;
            }
            if (!ctx.khugepagedMms().isEmpty() && passThroughHead < 2) {
                progress += scanMmSlot(ctx, c, pages - progress, result);
            } else {
                progress = pages;
            }
            if (progress >= pages) {
                break;
            }
            if (result[0] == ScanResult.SCAN_ALLOC_HUGE_PAGE_FAIL) {
                if (!wait) {
                    break;
                }
                // khugepaged_alloc_sleep(): go on with this pass after alloc_sleep_millisecs.
                c.remaining = pages - progress;
                c.nextDelay = millis(ctx, "khugepaged/alloc_sleep_millisecs");
                return;
            }
        }
    }

    /** khugepaged_scan_mm_slot(): returns the progress made, in pages. */
    long scanMmSlot(PromotionContext ctx, Cursor c, long pages, ScanResult[] result) {
        List<Integer> mms = ctx.khugepagedMms();
        if (c.slot == null || !mms.contains(c.slot)) {
            c.slot = mms.get(0);
            c.address = 0;
        }
        int mm = c.slot;
        long progress = 1;
        long steps = 1;
        boolean allVmasScanned = false;
        if (ctx.alive(mm)) {
            allVmasScanned = true;
            for (VmaRange v : ctx.vmas(mm)) {
                if (v.end() <= c.address) {
                    continue; // vma_iter_init(address) starts at the VMA containing it, or after
                }
                if (!ctx.thpAllowed(mm, v.start(), true)) {
                    progress++;
                    steps++;
                    continue;
                }
                long hstart = (v.start() + HPAGE_PMD_SIZE - 1) & ~(HPAGE_PMD_SIZE - 1);
                long hend = v.end() & ~(HPAGE_PMD_SIZE - 1);
                if (c.address > hend) {
                    progress++;
                    steps++;
                    continue;
                }
                if (c.address < hstart) {
                    c.address = hstart;
                }
                while (c.address < hend) {
                    PmdScan scan = ctx.scanPmd(mm, c.address, true);
                    ScanResult r = scan.result();
                    boolean lockDropped = false;
                    if (r == ScanResult.SCAN_SUCCEED) {
                        r = ctx.collapseHugePage(mm, scan, true);
                        lockDropped = true; // collapse_huge_page() returns without the mmap lock
                    }
                    result[0] = r;
                    if (r == ScanResult.SCAN_SUCCEED) {
                        ctx.countPagesCollapsed();
                    }
                    c.address += HPAGE_PMD_SIZE;
                    progress += HPAGE_PMD_NR;
                    if (lockDropped || progress >= pages) {
                        ctx.charge(steps * SCAN_STEP_NS);
                        return progress; // the slot stays current; the next call goes on from address
                    }
                }
            }
        }
        ctx.charge(steps * SCAN_STEP_NS);
        // All VMAs scanned, or the process exited: on to the next slot (collect_mm_slot()).
        int i = mms.indexOf(mm);
        if (i + 1 < mms.size()) {
            c.slot = mms.get(i + 1);
            c.address = 0;
        } else {
            c.slot = null;
            ctx.countFullScan();
        }
        if (!allVmasScanned) {
            ctx.collectMmSlot(mm);
        }
        return progress;
    }
}
