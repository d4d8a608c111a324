package org.thplab.mm.core.runtime;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The THP tunables as a Configuration Admin configuration. Property names are the sysfs paths
 * below /sys/kernel/mm/transparent_hugepage with '/' written as '.', e.g.
 * {@code khugepaged.max_ptes_none}; values are validated as the kernel's store functions do.
 */
@ObjectClassDefinition(name = "thplab THP tunables",
        description = "/sys/kernel/mm/transparent_hugepage of the simulated machine")
@interface TunablesConfig {
    @AttributeDefinition(description = "When THPs are used for anonymous memory", options = {
        @Option(value = "always"), @Option(value = "madvise"), @Option(value = "never")})
    String enabled() default "always";

    @AttributeDefinition(description = "How hard a THP fault tries to get a huge page", options = {
        @Option(value = "always"), @Option(value = "defer"), @Option(value = "defer+madvise"),
        @Option(value = "madvise"), @Option(value = "never")})
    String defrag() default "madvise";

    @AttributeDefinition(description = "Map the huge zero page on read faults (0 or 1)", min = "0", max = "1")
    int use__zero__page() default 1;

    @AttributeDefinition(description = "Pages faulted from a THP reservation before it may be promoted (1 = a huge page at the first fault)", min = "1", max = "512")
    int promotion__threshold() default 256;

    @AttributeDefinition(description = "khugepaged may direct-compact to allocate (0 or 1)", min = "0", max = "1")
    int khugepaged_defrag() default 1;

    @AttributeDefinition(description = "Empty PTEs khugepaged tolerates in a range it collapses", min = "0", max = "511")
    int khugepaged_max__ptes__none() default 511;

    @AttributeDefinition(description = "Swapped-out PTEs khugepaged swaps in to collapse a range", min = "0", max = "511")
    int khugepaged_max__ptes__swap() default 64;

    @AttributeDefinition(description = "Shared pages khugepaged tolerates in a range it collapses", min = "0", max = "511")
    int khugepaged_max__ptes__shared() default 256;

    @AttributeDefinition(description = "Pages khugepaged scans per wake-up", min = "1")
    long khugepaged_pages__to__scan() default 4096;

    @AttributeDefinition(description = "Milliseconds khugepaged sleeps between scans", min = "0")
    long khugepaged_scan__sleep__millisecs() default 10000;

    @AttributeDefinition(description = "Milliseconds khugepaged waits after a failed huge page allocation", min = "0")
    long khugepaged_alloc__sleep__millisecs() default 60000;
}
