package org.thplab.mm.api;

import java.util.List;

/**
 * The simulated machine's translation hardware: which core's MMU (a named preset with its
 * published TLB geometry), whether the machine is a guest under nested paging, the page size its
 * host backs it with, and how many CPUs it has. Hardware, not policy: it is configured, and a
 * change empties every TLB (as moving the run to another machine would).
 *
 * @param preset the core: {@code skylake}, {@code zen2}, {@code zen4} or {@code neoverse-n1}
 * @param virtualized a guest under nested paging: every walk is two-dimensional
 * @param hostPageKb the host's page backing the guest, 4 or 2048 (kB), when virtualized
 * @param cpus the CPUs, 1 to 64; processes are placed on them round-robin by creation
 * @since 2.4
 */
public record MmuSettings(String preset, boolean virtualized, int hostPageKb, int cpus) {
    /** The presets a machine knows. */
    public static final List<String> PRESETS = List.of("skylake", "zen2", "zen4", "neoverse-n1");

    /** What a new machine has: this project's reference box, an AMD Zen 4 bare-metal core, one CPU. */
    public static final MmuSettings DEFAULT = new MmuSettings("zen4", false, 4, 1);

    public MmuSettings {
        if (!PRESETS.contains(preset)) {
            throw new MmUsageException("mmu: no preset '" + preset + "'; presets: " + String.join(", ", PRESETS));
        }
        if (hostPageKb != 4 && hostPageKb != 2048) {
            throw new MmUsageException("mmu: the host page is 4 or 2048 kB (4K or 2M), not " + hostPageKb + " kB");
        }
        if (cpus < 1 || cpus > 64) {
            throw new MmUsageException("mmu: 1 to 64 CPUs, not " + cpus);
        }
    }
}
