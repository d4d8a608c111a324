package org.thplab.mm.core.mmu;

import java.util.List;
import org.thplab.mm.api.MmuSettings;

/**
 * The configuration of one simulated CPU's MMU: its translation arrays, its latencies and
 * whether it is a guest under nested paging. The named presets carry published figures for real
 * cores, each with its source; what no vendor publishes is marked as a convention or an
 * assumption (docs/tlb-model.md has the tables).
 *
 * <p>Arrays are named: two structures given the same array name share one array (an L1 that
 * holds every page size, the paging-structure entries that AMD and Arm cores keep in their L2
 * TLB). {@link #L2} names the unified second-level TLB.
 *
 * @param l1Small the L1 dTLB for 4 KiB entries
 * @param l1Huge the L1 dTLB for 2 MiB entries (the same array name as {@code l1Small}: one array for both)
 * @param l2 the unified second-level TLB, 4 KiB and 2 MiB entries
 * @param pml4eCache where PML4 entries are cached during walks (SDM Vol. 3A §4.10.3.1)
 * @param pdpteCache where PDPT entries are cached
 * @param pdeCache where PDEs that reference a page table are cached (none is made for a PDE that maps a 2 MiB page)
 * @param ghz the core clock: converts cycles into simulated nanoseconds
 * @param l1HitCycles what a translation that hits the L1 dTLB adds to the load
 * @param l2HitCycles what an L1 miss that hits the L2 TLB adds on top
 * @param levelCycles what reading one paging-structure entry costs, by level: [0] the PTE (level 1)
 *        up to [3] the PML4E (level 4); a walk pays the levels it reads below the deepest cached entry
 * @param virtualized a guest under nested paging (AMD NPT, Intel EPT): walks are two-dimensional
 * @param hostPageShift the page size that backs guest memory in the host (12 or 21), when virtualized
 * @param memoryCycles what the data access itself costs, on top of its translation: a load that
 *        misses every data cache (no data cache is modelled, so every access pays it)
 */
public record MmuPreset(String name, Vendor vendor, Geometry l1Small, Geometry l1Huge, Geometry l2,
        Geometry pml4eCache, Geometry pdpteCache, Geometry pdeCache, double ghz, int l1HitCycles,
        int l2HitCycles, List<Integer> levelCycles, boolean virtualized, int hostPageShift, int memoryCycles) {

    /** The array name of the unified second-level TLB. */
    public static final String L2 = "l2";

    /** Whose core: decides what perf's generic dTLB events count ({@link MmuEvent#generic}). */
    public enum Vendor {
        INTEL, AMD, ARM
    }

    /** One array: {@code sets} (a power of two) x {@code ways}; arrays of the same name are one. */
    public record Geometry(String array, int sets, int ways) {
        public int entries() {
            return sets * ways;
        }

        /** Entries kept in the unified L2 TLB, which has its own geometry. */
        public static Geometry inL2() {
            return new Geometry(L2, 0, 0);
        }
    }

    public MmuPreset {
        levelCycles = List.copyOf(levelCycles);
        if (levelCycles.size() != 4 || ghz <= 0 || l1HitCycles < 0 || l2HitCycles < 0 || memoryCycles < 0
                || levelCycles.stream().anyMatch(c -> c < 0)) {
            throw new IllegalArgumentException(name + ": four level costs, a positive clock, no negative cost");
        }
        if (virtualized && hostPageShift != 12 && hostPageShift != 21) {
            throw new IllegalArgumentException(name + ": the host backs a guest with 4 KiB (12) or 2 MiB (21) pages");
        }
    }

    /** @return this preset as a guest whose memory the host maps with pages of 1 << {@code hostPageShift} bytes */
    public MmuPreset virtualized(int hostPageShift) {
        return new MmuPreset(name, vendor, l1Small, l1Huge, l2, pml4eCache, pdpteCache, pdeCache, ghz,
                l1HitCycles, l2HitCycles, levelCycles, true, hostPageShift, memoryCycles);
    }

    /** @return this preset on bare metal */
    public MmuPreset bareMetal() {
        return new MmuPreset(name, vendor, l1Small, l1Huge, l2, pml4eCache, pdpteCache, pdeCache, ghz,
                l1HitCycles, l2HitCycles, levelCycles, false, 12, memoryCycles);
    }

    /** @return the preset a machine's {@link MmuSettings} name, as a guest when they say so */
    public static MmuPreset of(MmuSettings s) {
        MmuPreset p = named(s.preset());
        return s.virtualized() ? p.virtualized(s.hostPageKb() == 4 ? 12 : 21) : p;
    }

    /** @return the names {@link #named} knows */
    public static List<String> names() {
        return MmuSettings.PRESETS;
    }

    /** @return the preset of that name (see {@link #names()}) */
    public static MmuPreset named(String name) {
        return switch (name) {
            case "skylake" -> skylake();
            case "zen2" -> zen2();
            case "zen4" -> zen4();
            case "neoverse-n1" -> neoverseN1();
            default -> throw new IllegalArgumentException("no MMU preset '" + name + "'; presets: " + String.join(", ", names()));
        };
    }

    /**
     * Intel Skylake (client; the Skylake-SP core has the same TLBs). TLB sizes: Intel 64 and IA-32
     * Architectures Optimization Reference Manual (248966-045), Table 2-15 "TLB Parameters of the
     * Skylake Microarchitecture". Intel publishes no sizes for its paging-structure caches (SDM
     * Vol. 3A §4.10.3: "may or may not implement any"), so theirs are ChampSim's defaults
     * (pscl4 1x4, pscl3 2x4, pscl2 4x8): a simulator convention, not a measurement.
     */
    public static MmuPreset skylake() {
        return new MmuPreset("skylake", Vendor.INTEL,
                new Geometry("l1d-4k", 16, 4),       // 64 entries, 4-way (ORM Table 2-15)
                new Geometry("l1d-2m", 8, 4),        // 32 entries, 4-way, a separate array (ORM Table 2-15)
                new Geometry(L2, 128, 12),           // STLB 1536, 12-way, 4K and 2M (ORM Table 2-15; CPUID 0xC3 says 6-way)
                new Geometry("pml4e", 1, 4),         // ChampSim pscl4 (convention)
                new Geometry("pdpte", 2, 4),         // ChampSim pscl3 (convention)
                new Geometry("pde", 4, 8),           // ChampSim pscl2 (convention)
                3.0,                                 // a round clock between Skylake-SP base and client turbo
                0,                                   // the L1 dTLB is read in parallel with the VIPT L1D
                8,                                   // STLB hit: ChampSim's STLB latency (convention)
                List.of(44, 12, 4, 4),               // PTE from L3, PDE from L2, PDPTE and PML4E from L1D (ORM cache table)
                false, 12,
                240);                                // DRAM load-to-use, about 80 ns (7-cpu.com Skylake: 42 cycles + 51 ns; assumed for a server)
    }

    /**
     * AMD Zen 2 (EPYC 7002 "Rome"). AMD family 17h Software Optimization Guide, via WikiChip
     * zen_2: "fully-associative L1 data TLB contains 64 entries and holds 4-Kbyte, 2-Mbyte, and
     * 1-Gbyte page table entries. The L2 data TLB is a unified 12-way set-associative cache with
     * 2048 entries ... as well as page directory entries (PDEs)". 2048 is no multiple of 12 (the
     * array is skewed, its ways split between page sizes): approximated as 256 sets x 8 ways.
     */
    public static MmuPreset zen2() {
        return new MmuPreset("zen2", Vendor.AMD,
                new Geometry("l1d", 1, 64),          // 64, fully associative, every page size
                new Geometry("l1d", 1, 64),
                new Geometry(L2, 256, 8),            // 2048 (approximated geometry, see above)
                new Geometry("pdc", 1, 16),          // PML4Es and PDPEs: family 16h's 16-entry page directory cache (assumed)
                new Geometry("pdc", 1, 16),
                Geometry.inL2(),                     // PDEs live in the L2 DTLB
                3.0,                                 // a round clock between EPYC 7002 base and boost
                0,
                7,                                   // L2 TLB hit (assumed; not published)
                List.of(39, 12, 4, 4),               // L3, L2, L1D, L1D load-to-use (7-cpu.com Zen 2)
                false, 12,
                300);                                // DRAM load-to-use, about 100 ns (assumed)
    }

    /**
     * AMD Zen 4 (EPYC 9004 "Genoa"): this project's reference box. TLB sizes from its CPUID:
     * leaf 0x80000005 gives the L1 DTLB 72 entries, fully associative, for 4K and 2M alike; leaf
     * 0x80000006 the L2 DTLB 3072 entries (associativity codes 6h and 5h: the skewed,
     * size-partitioned array of AMD's L2), approximated as 256 sets x 12 ways shared by both sizes.
     * AMD's Zen 4 Software Optimization Guide (57647) is the primary document.
     */
    public static MmuPreset zen4() {
        return new MmuPreset("zen4", Vendor.AMD,
                new Geometry("l1d", 1, 72),          // CPUID 0x80000005: 72, fully associative, all sizes
                new Geometry("l1d", 1, 72),
                new Geometry(L2, 256, 12),           // CPUID 0x80000006: 3072 (approximated geometry)
                new Geometry("pdc", 1, 16),          // PML4Es and PDPEs: as Zen 2 (assumed)
                new Geometry("pdc", 1, 16),
                Geometry.inL2(),                     // PDEs live in the L2 DTLB, as on Zen 2
                2.6,                                 // this box: /proc/cpuinfo 2596 MHz
                0,
                7,                                   // L2 TLB hit (assumed; not published)
                List.of(50, 14, 4, 4),               // L3, L2, L1D, L1D load-to-use (assumed from AMD's guide)
                false, 12,
                435);                                // this box: 167.5 ns a dependent load over 256 MiB of THPs (docs/experiments/tlb-validation.md)
    }

    /**
     * Arm Neoverse N1 (Ampere Altra, AWS Graviton2), whose MMU is the Cortex-A76's: Cortex-A76
     * Core TRM (100798) §A5.2, Tables A5-1 and A5-3. The L1 data TLB holds every page size in 48
     * fully associative entries; the 1280-entry, 5-way L2 TLB also holds "intermediate PAs
     * obtained during a translation table walk", so all three walk levels are kept there.
     */
    public static MmuPreset neoverseN1() {
        return new MmuPreset("neoverse-n1", Vendor.ARM,
                new Geometry("l1d", 1, 48),          // TRM A5.2: 48, fully associative, 4K..512M
                new Geometry("l1d", 1, 48),
                new Geometry(L2, 256, 5),            // TRM A5.2: 1280, 5-way
                Geometry.inL2(),                     // walk results in the L2 TLB (TRM Table A5-3)
                Geometry.inL2(),
                Geometry.inL2(),
                3.0,                                 // Ampere Altra Q80-30
                1,                                   // TRM A5.2.2: "a single CLK cycle access"
                3,                                   // TRM Table A5-3: an L2 TLB hit "usually takes three cycles"
                List.of(28, 11, 4, 4),               // L3, L2, L1D, L1D load-to-use (WikiChip neoverse_n1)
                false, 12,
                330);                                // DRAM load-to-use, about 110 ns (assumed)
    }
}
