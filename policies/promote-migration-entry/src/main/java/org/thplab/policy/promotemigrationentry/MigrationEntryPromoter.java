package org.thplab.policy.promotemigrationentry;

import org.osgi.service.component.annotations.Component;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.ReservationInfo;
import org.thplab.mm.spi.promote.PmdScan;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.promote.ScanResult;
import org.thplab.mm.spi.promote.VmaRange;

/**
 * Zi Yan's idea in the reservation RFC's review: promote by migration entries instead of a copy
 * under the mmap write lock. Every {@code khugepaged/scan_sleep_millisecs} it promotes, up to
 * {@code khugepaged/pages_to_scan} pages' worth: first the reservations with at least
 * {@code promotion_threshold} pages mapped (in place), then the ranges of the processes on
 * khugepaged's list that pass khugepaged's checks (by copy). The mmap lock is taken for write
 * only to install the PMD; compare {@code mm:stat}'s {@code mmap_lock_write_ns} with khugepaged's.
 */
@Component
@Policy(kind = Kind.promotion, name = "migration-entry")
public class MigrationEntryPromoter implements PromotionPolicy {
    static final long HPAGE_PMD_SIZE = 2L << 20;

    @Override
    public long nextWake(PromotionContext ctx) {
        return ctx.tunables().number("khugepaged/scan_sleep_millisecs") * 1_000_000L;
    }

    /** No cursor: each wake walks every reservation from the first, so it depends on the machine alone. */
    @Override
    public Object scanCursor(PromotionContext ctx) {
        return Boolean.TRUE;
    }

    @Override
    public void wake(PromotionContext ctx) {
        if (ctx.tunables().pmdEnabled() == ThpEnabled.NEVER) {
            return;
        }
        long budget = Math.max(1, ctx.tunables().number("khugepaged/pages_to_scan") / 512);
        long threshold = ctx.tunables().number("promotion_threshold");
        for (ReservationInfo r : ctx.reservations()) {
            if (budget <= 0) {
                return;
            }
            if (r.used() >= threshold && ctx.promoteByMigration(r.mm(), r.address()) == ScanResult.SCAN_SUCCEED) {
                budget--;
            }
        }
        for (int mm : ctx.khugepagedMms()) {
            if (!ctx.alive(mm)) {
                continue;
            }
            for (VmaRange v : ctx.vmas(mm)) {
                if (!ctx.thpAllowed(mm, v.start(), true)) {
                    continue;
                }
                for (long a = (v.start() + HPAGE_PMD_SIZE - 1) & ~(HPAGE_PMD_SIZE - 1); a + HPAGE_PMD_SIZE <= v.end(); a += HPAGE_PMD_SIZE) {
                    if (budget <= 0) {
                        return;
                    }
                    PmdScan scan = ctx.scanPmd(mm, a, true);
                    if (scan.result() == ScanResult.SCAN_SUCCEED) {
                        budget--;
                        ctx.promoteByMigration(mm, a);
                    }
                }
            }
        }
    }
}
