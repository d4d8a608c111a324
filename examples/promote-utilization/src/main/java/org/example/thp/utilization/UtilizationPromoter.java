package org.example.thp.utilization;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.promote.PmdScan;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.promote.ScanResult;
import org.thplab.mm.spi.promote.VmaRange;

/**
 * An Ingens-style promoter: a 2 MiB range becomes a huge page once enough of it is in use.
 *
 * <p><b>What Ingens does</b> (Kwon et al., "Coordinated and Efficient Huge Page Management with
 * Ingens", OSDI 2016): the page fault handler maps base pages only and records, per 2 MiB region,
 * which base pages have been touched (a utilization bitmap) and how often the region is accessed.
 * A background thread (built on khugepaged) promotes a region asynchronously once its
 * utilization reaches a threshold (90% by default), prefers frequently accessed regions, shares
 * huge pages fairly between processes (penalising idle ones) and compacts memory proactively.
 * That avoids the memory bloat of Linux's "huge page at first touch" without giving up the TLB
 * benefit for memory that is really used.
 *
 * <p><b>What this simplifies</b>: utilization is read from the page tables when a range is
 * scanned ({@link PmdScan}: PTEs that map a page, not none, not the zero page, not swapped out)
 * instead of a bitmap kept by the fault path; ranges are visited in the order of the mm_slot
 * list with a cursor, without access-frequency priority or fairness between processes; there is
 * no compaction of its own (the collapse allocates like MADV_COLLAPSE, whose allocation may
 * compact and reclaim directly). For Ingens' fault path as well, select the base-page fault
 * policy ({@code policy use fault base}).
 *
 * <p>Like khugepaged, it only sees the address spaces on the mm_slot list
 * ({@link PromotionContext#khugepagedMms()}), which a process joins at a THP fault, at
 * MADV_HUGEPAGE, or by forking from one on it. With the base-page fault policy there is no THP
 * fault, so only memory marked MADV_HUGEPAGE is promoted.
 *
 * <p>Like every policy, it decides and the core carries the decision out: it only reads the
 * machine through {@link PromotionContext} and collapses through its mechanisms, which keep the
 * machine consistent (a failed collapse is rolled back). Its only state is the configuration and
 * a scan cursor. It uses no wall clock, no thread and no randomness, so a run stays
 * deterministic.
 */
@Component(configurationPid = UtilizationPromoter.PID)
@Policy(kind = Kind.promotion, name = UtilizationPromoter.NAME)
@Designate(ocd = UtilizationPromoter.Config.class)
public class UtilizationPromoter implements PromotionPolicy {
    /** The value of {@code policy.name}: {@code policy enable|disable promotion utilization}. */
    public static final String NAME = "utilization";
    /** The configuration PID: {@code deploy/org.example.thp.utilization.cfg} configures it. */
    public static final String PID = "org.example.thp.utilization";

    static final int HPAGE_PMD_NR = 512;
    static final long HPAGE_PMD_SIZE = 2L << 20;

    /**
     * The configuration. A single underscore in a method name would become a dot in the property
     * name, so {@code threshold__percent()} is the property {@code threshold_percent}.
     */
    @ObjectClassDefinition(name = "thplab utilization promoter",
            description = "Ingens-style promotion: collapse a 2 MiB range once enough of its base pages are in use")
    public @interface Config {
        @AttributeDefinition(description = "Collapse a range when at least this percentage of its 512 base pages is mapped",
                min = "1", max = "100")
        int threshold__percent() default 90;

        @AttributeDefinition(description = "Simulated milliseconds between two wake-ups of the daemon", min = "1")
        long period__ms() default 50;

        @AttributeDefinition(description = "Collapse attempts per wake-up at most; the next wake goes on from there", min = "1")
        int max__collapses__per__wake() default 8;
    }

    // Configuration: written by Configuration Admin's thread, read by the machine's.
    private volatile int thresholdPercent = 90;
    private volatile long periodNs = 50_000_000L;
    private volatile int maxCollapsesPerWake = 8;

    // The scan cursor: where the next wake starts (an address space id and a PMD-aligned
    // address), or null for the head of the mm_slot list. This is all the state we keep, one
    // per machine: many machines may share this service, each handing in its own context.
    private static final class Cursor {
        Integer mm;
        long address;
    }

    private final Map<PromotionContext, Cursor> cursors = Collections.synchronizedMap(new WeakHashMap<>());

    /** For Declarative Services. */
    public UtilizationPromoter() {
    }

    /** For tests and embedding outside a framework. */
    public UtilizationPromoter(int thresholdPercent, long periodMs, int maxCollapsesPerWake) {
        set(thresholdPercent, periodMs, maxCollapsesPerWake);
    }

    @Activate
    @Modified
    void configure(Config c) {
        set(c.threshold__percent(), c.period__ms(), c.max__collapses__per__wake());
    }

    private void set(int threshold, long periodMs, int maxCollapses) {
        thresholdPercent = Math.max(1, Math.min(100, threshold));
        periodNs = Math.max(1, periodMs) * 1_000_000L;
        maxCollapsesPerWake = Math.max(1, maxCollapses);
    }

    /**
     * A daemon: the machine asks this when the promoter is enabled and after every wake. A new
     * period therefore takes effect after the wake already scheduled.
     */
    @Override
    public long nextWake(PromotionContext ctx) {
        return periodNs;
    }

    /** One pass, from the cursor to the end of the mm_slot list or until the budget is spent. */
    @Override
    public void wake(PromotionContext ctx) {
        int threshold = thresholdPercent; // read the configuration once per wake
        int budget = maxCollapsesPerWake;
        List<Integer> mms = ctx.khugepagedMms(); // a copy: collecting a slot below is safe
        Cursor c = cursors.computeIfAbsent(ctx, x -> new Cursor());
        int first = c.mm == null ? -1 : mms.indexOf(c.mm);
        long resumeAt = c.address;
        if (first < 0) { // no cursor, or its address space was collected meanwhile
            first = 0;
            resumeAt = 0;
        }
        c.mm = null;
        c.address = 0;
        for (int i = first; i < mms.size(); i++) {
            int mm = mms.get(i);
            if (!ctx.alive(mm)) {
                ctx.collectMmSlot(mm); // the process exited: drop its slot (collect_mm_slot())
                continue;
            }
            long from = i == first ? resumeAt : 0;
            for (VmaRange v : ctx.vmas(mm)) {
                // thp_vma_allowable_order() with the sysfs settings, as khugepaged: not
                // VM_NOHUGEPAGE; enabled=always, or madvise and VM_HUGEPAGE; touched at least once.
                // It is a property of the whole VMA, so asking at its start is enough.
                if (v.end() <= from || !ctx.thpAllowed(mm, v.start(), true)) {
                    continue;
                }
                long hstart = Math.max(from, (v.start() + HPAGE_PMD_SIZE - 1) & -HPAGE_PMD_SIZE);
                long hend = v.end() & -HPAGE_PMD_SIZE; // only ranges fully inside the VMA
                for (long addr = hstart; addr < hend; addr += HPAGE_PMD_SIZE) {
                    // The MADV_COLLAPSE flavour of the scan (khugepaged=false): the max_ptes_*
                    // limits and the young rule do not apply, the threshold below replaces them.
                    PmdScan scan = ctx.scanPmd(mm, addr, false);
                    if (scan.result() != ScanResult.SCAN_SUCCEED || !utilized(scan, threshold)) {
                        continue; // PMD-mapped already, nothing mapped, read-only, or too sparse
                    }
                    ScanResult r = ctx.collapseHugePage(mm, scan, false);
                    budget--;
                    if (r == ScanResult.SCAN_ALLOC_HUGE_PAGE_FAIL) {
                        // No huge page even after compaction and reclaim: retry this range at
                        // the next wake instead of hammering the allocator now.
                        c.mm = mm;
                        c.address = addr;
                        return;
                    }
                    if (budget == 0) {
                        c.mm = mm;
                        c.address = addr + HPAGE_PMD_SIZE;
                        return;
                    }
                }
            }
        }
        // End of the list: the next wake starts again at its head.
    }

    /**
     * utilization = (512 - noneOrZero - unmapped) / 512, compared in integers. Swapped-out pages
     * do not count as used: a range paged out is not pulled back in by a collapse.
     */
    static boolean utilized(PmdScan scan, int thresholdPercent) {
        int used = HPAGE_PMD_NR - scan.noneOrZero() - scan.unmapped();
        return used * 100L >= (long) thresholdPercent * HPAGE_PMD_NR;
    }
}
