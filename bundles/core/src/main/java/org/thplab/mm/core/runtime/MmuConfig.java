package org.thplab.mm.core.runtime;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The default machine's MMU as a Configuration Admin configuration ({@code org.thplab.mm.mmu}),
 * what the {@code mmu} command writes for the current machine: property names {@code preset},
 * {@code virtualized}, {@code host_page_kb} (the method host__page__kb), {@code cpus}.
 */
@ObjectClassDefinition(name = "thplab MMU", description = "The simulated CPUs' translation hardware (docs/tlb-model.md)")
@interface MmuConfig {
    @AttributeDefinition(description = "Whose core's TLBs, page-walk caches and latencies", options = {
        @Option(value = "skylake"), @Option(value = "zen2"), @Option(value = "zen4"), @Option(value = "neoverse-n1")})
    String preset() default "zen4";

    @AttributeDefinition(description = "A guest under nested paging: every walk is two-dimensional")
    boolean virtualized() default false;

    @AttributeDefinition(description = "The host's page backing the guest, in kB (4 or 2048)", options = {
        @Option(value = "4"), @Option(value = "2048")})
    int host__page__kb() default 4;

    @AttributeDefinition(description = "CPUs of the machine (processes are placed round-robin)", min = "1", max = "64")
    int cpus() default 1;
}
