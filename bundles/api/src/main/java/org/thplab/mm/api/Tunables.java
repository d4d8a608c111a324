package org.thplab.mm.api;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The THP tunables of a machine, read by their sysfs paths below
 * {@code /sys/kernel/mm/transparent_hugepage/} (e.g. {@code enabled},
 * {@code khugepaged/max_ptes_none}). Policies read them; only the core writes them.
 */
@ProviderType
public interface Tunables {
    /** @return the {@code enabled} mode */
    ThpEnabled enabled();

    /**
     * The mode in effect for PMD-sized THPs (hugepage_pmd_enabled(), thp_vma_allowable_orders() for
     * PMD_ORDER): {@code hugepages-2048kB/enabled}, or the top-level {@code enabled} when that says
     * {@code inherit} (its default).
     *
     * @return the PMD-sized mode
     * @since 2.1
     */
    default ThpEnabled pmdEnabled() {
        return enabled();
    }

    /**
     * The mode in effect for anonymous folios of {@code order} (2 to 9; thp_vma_allowable_orders()
     * of the orders' masks): {@code hugepages-<size>kB/enabled}, or the top-level {@code enabled}
     * when that says {@code inherit}. Defaults: {@code inherit} for 2048 kB, {@code never} below.
     *
     * @return the mode for that size
     * @throws IllegalArgumentException for an order outside 2..9
     * @since 2.2
     */
    default ThpEnabled orderEnabled(int order) {
        if (order < 2 || order > 9) {
            throw new IllegalArgumentException("no anonymous THP size of order " + order);
        }
        return order == 9 ? pmdEnabled() : ThpEnabled.NEVER;
    }

    /** @return the {@code defrag} mode */
    Defrag defrag();

    /** @return {@code use_zero_page}: whether read faults may map the huge zero page */
    boolean useZeroPage();

    /**
     * @param knob a sysfs path such as {@code khugepaged/max_ptes_none}
     * @return the knob's value as an integer
     * @throws MmUsageException when there is no such numeric knob
     */
    long number(String knob);

    /** @return every knob with its current value as sysfs prints it, in sysfs order */
    Map<String, String> all();

    /**
     * Reads one file below {@code /sys/kernel/mm/transparent_hugepage/}: a knob of {@link #all()}
     * or one of the per-size statistics ({@code hugepages-2048kB/stats/anon_fault_alloc}).
     *
     * @param file its path below that directory
     * @return its content as sysfs prints it, or null when there is no such file
     * @since 2.1
     */
    default String read(String file) {
        return all().get(file);
    }
}
