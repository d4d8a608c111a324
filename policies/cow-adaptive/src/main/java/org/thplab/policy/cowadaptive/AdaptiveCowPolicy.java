package org.thplab.policy.cowadaptive;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.cow.HugeWriteFault;

/**
 * Andrea Arcangeli's middle ground in the THP CoW review thread, between the 2 MiB copy of Linux
 * before 5.8 ({@code cow-huge}) and the split and 4 KiB copy since ("thp: Change CoW semantics
 * for anon-THP", {@code cow-pte}): do_huge_pmd_wp_page() copies all 2 MiB of a shared THP when the
 * VMA has VM_HUGEPAGE (the process asked for huge pages with MADV_HUGEPAGE) and the THP is hot,
 * else it splits the PMD and do_wp_page() copies one 4 KiB page; when no huge page can be had
 * ({@code thp_fault_fallback}) it splits as well. Hot is what the kernel can see: the accessed bit
 * of the faulting PMD (pmd_young(orig_pmd); fork gives the child an old one) or of any mapping of
 * the folio (folio_referenced()'s rmap walk). The huge zero page is served as {@code cow-pte}
 * does (do_huge_zero_wp_pmd() of 6.13): a new THP, split only when none can be had.
 */
@Component(configurationPid = AdaptiveCowPolicy.PID)
@Policy(kind = Kind.cow, name = "adaptive")
@Designate(ocd = AdaptiveCowPolicy.Config.class)
public class AdaptiveCowPolicy implements CowPolicy {
    /** The Configuration Admin PID of its settings. */
    public static final String PID = "org.thplab.policy.cowadaptive";

    /** Which accessed bits make a THP hot. */
    public enum HotSignal {
        /** pmd_young() of the faulting process's PMD */
        young,
        /** any mapping of the folio young (folio_referenced()'s walk, bits left as they are) */
        referenced,
        /** no test: every THP is hot, the copy depends on the VMA only */
        none
    }

    /** Configuration. */
    @ObjectClassDefinition(name = "thplab adaptive CoW", description = "2 MiB CoW for hot THPs of MADV_HUGEPAGE regions, else 4 KiB (Arcangeli)")
    /** Property names: a double underscore in a method name is one underscore in the property (OSGi component property types). */
    public @interface Config {
        @AttributeDefinition(description = "Copy 2 MiB only where the VMA has VM_HUGEPAGE (MADV_HUGEPAGE); false: wherever THP is enabled for the VMA")
        boolean require__vm__hugepage() default true;

        @AttributeDefinition(description = "What makes a THP hot: young (the faulting PMD's accessed bit), referenced (any mapping's), none (no test)",
                options = {@Option(label = "young", value = "young"), @Option(label = "referenced", value = "referenced"),
                    @Option(label = "none", value = "none")})
        HotSignal hot__signal() default HotSignal.young;
    }

    private volatile boolean requireVmHugepage = true;
    private volatile HotSignal hot = HotSignal.young;

    public AdaptiveCowPolicy() {
    }

    /** For embedding outside a framework and for tests. */
    public AdaptiveCowPolicy(boolean requireVmHugepage, HotSignal hot) {
        this.requireVmHugepage = requireVmHugepage;
        this.hot = hot;
    }

    @Activate
    @Modified
    void configure(Config c) {
        requireVmHugepage = c.require__vm__hugepage();
        try {
            hot = c.hot__signal();
        } catch (IllegalArgumentException e) {
            // DS converts the value when it is read: a name that is no HotSignal is refused here,
            // and the signal in effect kept, rather than failing activation (the kind would fall back).
            System.getLogger(AdaptiveCowPolicy.class.getName()).log(System.Logger.Level.WARNING,
                    PID + ": hot_signal is not young, referenced or none (" + e.getMessage() + "); keeping " + hot);
        }
    }

    @Override
    public FaultOutcome hugeWriteFault(HugeWriteFault fault) {
        if (fault.hugeZeroPage() || copiesHugePage(fault)) {
            FaultOutcome o = fault.copyHugePage();
            if (o != FaultOutcome.FALLBACK) {
                return o;
            }
        }
        // No 2 MiB copy (or no huge page to copy into): __split_huge_pmd(), VM_FAULT_FALLBACK,
        // and do_wp_page() copies one 4 KiB page.
        fault.splitPmd();
        return FaultOutcome.FALLBACK;
    }

    /** The rule: THP allowed for the VMA, VM_HUGEPAGE if required, and hot. */
    boolean copiesHugePage(HugeWriteFault f) {
        if (f.vmNoHugepage()) {
            return false;
        }
        if (requireVmHugepage) {
            if (!f.vmHugepage() || f.tunables().pmdEnabled() == ThpEnabled.NEVER) {
                return false;
            }
        } else {
            // __transparent_hugepage_enabled(vma), as cow-huge asks it.
            ThpEnabled e = f.tunables().pmdEnabled();
            if (!(e == ThpEnabled.ALWAYS || (e == ThpEnabled.MADVISE && f.vmHugepage()))) {
                return false;
            }
        }
        return switch (hot) {
            case young -> f.pmdYoung();
            case referenced -> f.folioReferenced();
            case none -> true;
        };
    }
}
