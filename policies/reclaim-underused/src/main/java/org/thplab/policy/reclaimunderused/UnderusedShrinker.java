package org.thplab.policy.reclaimunderused;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.reclaim.ReclaimContext;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;
import org.thplab.mm.spi.reclaim.ShrinkSlab;

/**
 * Meta's THP shrinker (Usama Arif's series "mm: split underused THPs", Linux 6.12) with a
 * threshold of its own: under pressure, deferred_split_scan() splits a fully mapped THP when
 * thp_underused() finds more than {@code max_ptes_none} zero-filled subpages, maps those to the
 * shared zero page and frees them ({@code thp_underused_split_page}). The kernel judges against
 * {@code khugepaged/max_ptes_none} and turns the check off at its default 511; this policy judges
 * against its own {@code max_ptes_none} (default 511, thp_underused()'s loop as written: "more
 * than 511 zero pages", so only an all-zero THP), leaving khugepaged's setting to khugepaged.
 * Otherwise it reclaims as {@code lru-shrinker} does: the same {@link ShrinkSlab} pass
 * (reservations, the deferred split queue in batches of SHRINK_BATCH, the huge zero page).
 */
@Component(configurationPid = UnderusedShrinker.PID)
@Policy(kind = Kind.reclaim, name = "underused")
@Designate(ocd = UnderusedShrinker.Config.class)
public class UnderusedShrinker implements ReclaimPolicy {
    /** The Configuration Admin PID of its settings. */
    public static final String PID = "org.thplab.policy.reclaimunderused";
    /** The default threshold: the kernel's default {@code khugepaged/max_ptes_none}. */
    public static final int MAX_PTES_NONE = 511;

    /** Configuration. */
    @ObjectClassDefinition(name = "thplab underused THP shrinker", description = "Split THPs with more zero-filled subpages than max_ptes_none under pressure (Linux 6.12's thp_underused())")
    /** Property names: a double underscore in a method name is one underscore in the property (OSGi component property types). */
    public @interface Config {
        @AttributeDefinition(description = "A THP with more zero-filled subpages than this (0 to 512; 512: none) is split under pressure", min = "0", max = "512")
        int max__ptes__none() default MAX_PTES_NONE;
    }

    private volatile int maxPtesNone = MAX_PTES_NONE;

    public UnderusedShrinker() {
    }

    /** For embedding outside a framework and for tests. */
    public UnderusedShrinker(int maxPtesNone) {
        this.maxPtesNone = checked(maxPtesNone);
    }

    @Activate
    @Modified
    void configure(Config c) {
        int n = c.max__ptes__none();
        if (n < 0 || n > 512) {
            // Configuration Admin does not enforce the metatype's range: refuse the value and keep
            // the threshold in effect, rather than fail activation (the kind would fall back).
            System.getLogger(UnderusedShrinker.class.getName()).log(System.Logger.Level.WARNING,
                    PID + ": max_ptes_none " + n + " is not in 0..512; keeping " + maxPtesNone);
            return;
        }
        maxPtesNone = n;
    }

    private static int checked(int n) {
        if (n < 0 || n > 512) {
            throw new IllegalArgumentException("max_ptes_none " + n + " is not in 0..512");
        }
        return n;
    }

    /** @return the threshold in effect */
    public int maxPtesNone() {
        return maxPtesNone;
    }

    @Override
    public long reclaim(ReclaimContext ctx, long target) {
        return ShrinkSlab.run(ctx, target, maxPtesNone);
    }
}
