package org.thplab.policy.reclaimlrushrinker;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.reclaim.ReclaimContext;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;
import org.thplab.mm.spi.reclaim.ShrinkSlab;
import org.thplab.mm.spi.reclaim.ShrinkSlab.Scan;

/**
 * The reservation RFC's shrinker: count the unused reserved pages and release reservations in
 * LRU order (least recently faulted first; a reservation moves to the tail when a page is faulted
 * from it, a fully populated one is off the list) until the scan target is met. Then, as Linux
 * does without reservations, the deferred split shrinker (deferred_split_scan(): partially mapped
 * and, below {@code max_ptes_none} 511, underused THPs) and the huge zero page shrinker: the pass
 * of {@link ShrinkSlab#run(ReclaimContext, long)}, shared with the {@code underused} policy.
 *
 * <p>With {@code scan} set to {@code 4.19} or {@code 6.18} the pass is the kernel's instead: the
 * reclaim priorities from DEF_PRIORITY down and do_shrink_slab()'s arithmetic of that kernel
 * ({@link ShrinkSlab#run(ReclaimContext, long, ShrinkSlab.Shrinkers)}), each machine's shrinkers
 * keeping their nr_deferred from pass to pass (forgotten when the setting changes).
 */
@Component(configurationPid = LruShrinker.PID)
@Policy(kind = Kind.reclaim, name = "lru-shrinker")
@Designate(ocd = LruShrinker.Config.class)
public class LruShrinker implements ReclaimPolicy {
    /** The Configuration Admin PID of its settings. */
    public static final String PID = "org.thplab.policy.reclaimlrushrinker";

    /** Configuration. */
    @ObjectClassDefinition(name = "thplab lru-shrinker", description = "The reservation RFC's shrinker, then the deferred split and huge zero page shrinkers")
    public @interface Config {
        @AttributeDefinition(description = "How much a pass scans: target (thplab: until the pass's target is met),"
                + " 4.19 or 6.18 (the kernel's reclaim priorities and do_shrink_slab() arithmetic)",
                options = {@Option(label = "target", value = "target"), @Option(label = "4.19", value = "4.19"),
                    @Option(label = "6.18", value = "6.18")})
        String scan() default "target";
    }

    private volatile Scan scan = Scan.TARGET;
    /** Each machine's shrinkers (its reclaim context is its own for the machine's life). */
    private final Map<ReclaimContext, ShrinkSlab.Shrinkers> shrinkers = Collections.synchronizedMap(new WeakHashMap<>());

    public LruShrinker() {
    }

    /** For embedding outside a framework and for tests. */
    public LruShrinker(Scan scan) {
        this.scan = scan;
    }

    @Activate
    @Modified
    void configure(Config c) {
        try {
            Scan s = Scan.of(c.scan());
            if (s != scan) {
                scan = s;
                shrinkers.clear();
            }
        } catch (IllegalArgumentException e) {
            System.getLogger(LruShrinker.class.getName()).log(System.Logger.Level.WARNING,
                    PID + ": " + e.getMessage() + "; keeping " + scan.value());
        }
    }

    @Override
    public long reclaim(ReclaimContext ctx, long target) {
        Scan s = scan;
        if (s == Scan.TARGET) {
            return ShrinkSlab.run(ctx, target);
        }
        ShrinkSlab.Shrinkers mine = shrinkers.computeIfAbsent(ctx, c -> new ShrinkSlab.Shrinkers(s));
        if (mine.scan != s) {
            mine = new ShrinkSlab.Shrinkers(s);
            shrinkers.put(ctx, mine);
        }
        return ShrinkSlab.run(ctx, target, mine);
    }
}
