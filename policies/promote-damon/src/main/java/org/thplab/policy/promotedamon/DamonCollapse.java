package org.thplab.policy.promotedamon;

import java.util.HashMap;
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
 * An access-sampling promoter in the manner of DAMON with a {@code DAMOS_COLLAPSE} scheme
 * (mm/damon/core.c kdamond_fn(), mm/damon/vaddr.c, the "collapse" action applying MADV_COLLAPSE
 * to a region; Documentation/admin-guide/mm/damon/usage.rst). Every {@code sample_us} it checks
 * one address per region: was its accessed bit set since the last check ({@code damon_va_young()},
 * then counts {@code nr_accesses}), then picks the next address and clears its bit
 * ({@code damon_va_mkold()}). Every {@code aggr_us} it applies the scheme to the regions whose
 * {@code nr_accesses} lies in [{@code min_nr_accesses}, {@code max_nr_accesses}]: a collapse in
 * the MADV_COLLAPSE context (no max_ptes_* limits, no young rule), and resets the counts.
 *
 * <p>Simplified against DAMON: the regions are fixed, one per PMD-aligned 2 MiB range of each VMA
 * that allows a THP (DAMON adapts its regions between min_nr_regions and max_nr_regions by
 * splitting and merging; fixed 2 MiB regions are what a collapse acts on); the targets are the
 * address spaces on khugepaged's mm_slot list (DAMON is given pids); the sampled address in a
 * region is drawn from a hash of the region and the sample's number, so runs repeat; no quotas,
 * no age filter. A sample costs {@link #SAMPLE_NS} of simulated time per region.
 */
@Component(configurationPid = DamonCollapse.PID)
@Policy(kind = Kind.promotion, name = "damon")
@Designate(ocd = DamonCollapse.Config.class)
public class DamonCollapse implements PromotionPolicy {
    public static final String PID = "org.thplab.policy.promotedamon";
    static final long HPAGE_PMD_SIZE = 2L << 20;
    /** Simulated cost of one region's check and mkold: two page-table walks. */
    static final long SAMPLE_NS = 100;

    /** DAMON's monitoring attributes and the scheme's access pattern, by DAMON's names. */
    @ObjectClassDefinition(name = "thplab DAMON-style collapse", description = "DAMOS_COLLAPSE on access-sampled 2 MiB regions")
    public @interface Config {
        @AttributeDefinition(description = "sampling interval in microseconds (DAMON's sample_us; 5000 by default there)")
        long sample__us() default 5000;

        @AttributeDefinition(description = "aggregation interval in microseconds (DAMON's aggr_us), a multiple of sample_us")
        long aggr__us() default 100_000;

        @AttributeDefinition(description = "collapse a region with at least this many sampled accesses per aggregation (the scheme's nr_accesses min)")
        int min__nr__accesses() default 5;

        @AttributeDefinition(description = "and at most this many (the scheme's nr_accesses max)")
        int max__nr__accesses() default Integer.MAX_VALUE;
    }

    /** A region's monitoring state: the address sampled last (or -1) and nr_accesses. */
    private static final class Region {
        long sample = -1;
        int nrAccesses;
    }

    /** The monitoring state of one machine. */
    private static final class State {
        /** By mm id << 32 | (address >> 21). */
        Map<Long, Region> regions = new HashMap<>();
        long samples;
    }

    private final Map<PromotionContext, State> states = new WeakHashMap<>();
    // Written by Configuration Admin's thread, read by the machine's: one immutable record.
    private volatile Attrs attrs = new Attrs(5_000, 100_000, 5, Integer.MAX_VALUE);

    record Attrs(long sampleUs, long aggrUs, int minNrAccesses, int maxNrAccesses) {
        /** @return why these cannot be used, or null */
        String problem() {
            if (sampleUs < 1 || sampleUs > 60_000_000L) {
                return "sample_us must be from 1 to 60000000, not " + sampleUs;
            }
            if (aggrUs < sampleUs || aggrUs % sampleUs != 0 || aggrUs / sampleUs > 1_000_000) {
                return "aggr_us must be a multiple of sample_us (" + sampleUs + ") of at most 10^6 samples, not " + aggrUs;
            }
            if (minNrAccesses < 0 || maxNrAccesses < minNrAccesses) {
                return "min_nr_accesses and max_nr_accesses must satisfy 0 <= min <= max, not " + minNrAccesses + ", "
                        + maxNrAccesses;
            }
            return null;
        }
    }

    public DamonCollapse() {
    }

    /** For embedding and tests: the attributes given, checked as a configuration is. */
    public DamonCollapse(long sampleUs, long aggrUs, int minNrAccesses, int maxNrAccesses) {
        Attrs a = new Attrs(sampleUs, aggrUs, minNrAccesses, maxNrAccesses);
        if (a.problem() != null) {
            throw new IllegalArgumentException("promote-damon: " + a.problem());
        }
        attrs = a;
    }

    /** A configuration that cannot be used is logged and changes nothing. */
    @Activate
    @Modified
    void configure(Config c) {
        Attrs a = new Attrs(c.sample__us(), c.aggr__us(), c.min__nr__accesses(), c.max__nr__accesses());
        String problem = a.problem();
        if (problem != null) {
            System.getLogger(DamonCollapse.class.getName()).log(System.Logger.Level.WARNING,
                    "promote-damon: " + problem + "; the configuration is not used (" + attrs + " stays)");
            return;
        }
        attrs = a;
    }

    private synchronized State state(PromotionContext ctx) {
        return states.computeIfAbsent(ctx, c -> new State());
    }

    @Override
    public long nextWake(PromotionContext ctx) {
        return ctx.khugepagedMms().isEmpty() ? WAIT_FOR_WORK : attrs.sampleUs() * 1_000L;
    }

    /** One sampling interval: check and re-arm every region; at an aggregation, apply the scheme. */
    @Override
    public void wake(PromotionContext ctx) {
        Attrs a = attrs;
        State s = state(ctx);
        s.samples++;
        boolean aggregate = s.samples % (a.aggrUs() / a.sampleUs()) == 0;
        Map<Long, Region> seen = new HashMap<>();
        long checked = 0;
        for (int mm : ctx.khugepagedMms()) {
            if (!ctx.alive(mm)) {
                continue;
            }
            for (VmaRange v : ctx.vmas(mm)) {
                long hstart = (v.start() + HPAGE_PMD_SIZE - 1) & -HPAGE_PMD_SIZE;
                long hend = v.end() & -HPAGE_PMD_SIZE;
                if (hstart >= hend || !ctx.thpAllowed(mm, hstart, false)) {
                    continue;
                }
                for (long addr = hstart; addr < hend; addr += HPAGE_PMD_SIZE) {
                    long key = (long) mm << 32 | addr >>> 21;
                    Region r = s.regions.get(key);
                    if (r == null) {
                        r = new Region();
                    }
                    seen.put(key, r);
                    checked++;
                    if (r.sample >= 0 && ctx.young(mm, r.sample)) {
                        r.nrAccesses++; // kdamond_fn(): check_accesses
                    }
                    r.sample = addr + (mix(key, s.samples) & 511) * 4096; // prepare_access_checks
                    ctx.mkold(mm, r.sample);
                    if (aggregate) {
                        if (r.nrAccesses >= a.minNrAccesses() && r.nrAccesses <= a.maxNrAccesses()) {
                            collapse(ctx, mm, addr);
                        }
                        r.nrAccesses = 0;
                    }
                }
            }
        }
        s.regions = seen; // regions of exited processes and unmapped ranges are gone
        ctx.charge(checked * SAMPLE_NS);
    }

    /** DAMOS_COLLAPSE: madvise(MADV_COLLAPSE) of the region (damos_madvise()), here one PMD range. */
    private static void collapse(PromotionContext ctx, int mm, long addr) {
        PmdScan scan = ctx.scanPmd(mm, addr, false);
        if (scan.result() == ScanResult.SCAN_SUCCEED) {
            ctx.collapseHugePage(mm, scan, false);
        }
    }

    /** SplitMix64's finaliser over the region and the sample number: the sampled page. */
    static long mix(long key, long sample) {
        long z = key * 0x9E3779B97F4A7C15L + sample;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
