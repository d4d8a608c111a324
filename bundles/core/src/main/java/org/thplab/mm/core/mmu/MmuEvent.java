package org.thplab.mm.core.mmu;

import org.thplab.mm.core.mmu.MmuPreset.Vendor;

/**
 * The counters of one {@link Mmu}, named as the PMU event that counts the same thing where one
 * exists: Intel's names (tools/perf/pmu-events/arch/x86/skylake/virtual-memory.json) for the
 * STLB and walk events, AMD's for the L1 miss, which Intel has no single event for. The model
 * does not tell loads from stores: every translation counts as a load.
 */
public enum MmuEvent {
    /** Every translation (Intel's and Arm's meaning of perf's generic dTLB-loads; see {@link #generic}). */
    DTLB_LOADS("dTLB-loads"),
    /** Translations that missed the L1 dTLB (AMD Zen: event 0x45, umask 0xff). */
    L1_MISSES("ls_l1_d_tlb_miss.all"),
    /** L1 misses that hit the second-level TLB. */
    STLB_HITS("dtlb_load_misses.stlb_hit"),
    /** L1 misses that missed the second-level TLB too: each ends in one completed walk (none fault here). */
    WALKS("dtlb_load_misses.walk_completed"),
    /** Walks whose TLB entry is 4 KiB (under nested paging: the smaller of the guest and host pages). */
    WALKS_4K("dtlb_load_misses.walk_completed_4k"),
    /** Walks whose TLB entry is 2 MiB. */
    WALKS_2M("dtlb_load_misses.walk_completed_2m_4m"),
    /**
     * Cycles spent in walks, the nested (host) part of two-dimensional walks excluded, as Skylake's
     * event excludes EPT walk duration. One walk at a time: equal to walk_pending.
     */
    WALK_ACTIVE("dtlb_load_misses.walk_active"),
    /** Cycles of the host dimension of two-dimensional walks (Intel's EPT.WALK_PENDING). */
    EPT_WALK_PENDING("ept.walk_pending"),
    /** Paging-structure entries read by walks, both dimensions (Haswell's page_walker_loads.* summed). */
    WALK_REFS("page_walker_loads"),
    /** Walks that started below a cached PDE (no PMU exposes this: thplab's own). */
    PWC_HIT_PDE("thplab.pwc_hit.pde"),
    /** Walks that started below a cached PDPTE. */
    PWC_HIT_PDPTE("thplab.pwc_hit.pdpte"),
    /** Walks that started below a cached PML4E. */
    PWC_HIT_PML4E("thplab.pwc_hit.pml4e"),
    /** Single-page invalidations (INVLPG). */
    INVLPG("thplab.invlpg"),
    /** Every invalidation of any kind, a page, an address space or everything (Intel's TLB_FLUSH.STLB_ANY). */
    FLUSHES("tlb_flush.stlb_any"),
    /** All the cycles that translate() returned. */
    CYCLES("thplab.translation_cycles");

    private final String perfName;

    MmuEvent(String perfName) {
        this.perfName = perfName;
    }

    /** @return the event's name as perf would print it */
    public String perfName() {
        return perfName;
    }

    /** @return the event named {@code perfName}, or null */
    public static MmuEvent named(String perfName) {
        for (MmuEvent e : values()) {
            if (e.perfName.equals(perfName)) {
                return e;
            }
        }
        return null;
    }

    /**
     * What perf's generic events count on each vendor's cores: the kernel maps them differently
     * (arch/x86/events/intel/core.c skl_hw_cache_event_ids: MEM_INST_RETIRED.ALL_LOADS and
     * DTLB_LOAD_MISSES.WALK_COMPLETED; arch/x86/events/amd/core.c amd_hw_cache_event_ids_f17h:
     * 0xff45 "All L2 DTLB accesses" and 0xf045 "L2 DTLB misses (PT walks)";
     * arch/arm64/kernel/perf_event.c: L1D_TLB and L1D_TLB_REFILL).
     *
     * @param generic {@code dTLB-loads} or {@code dTLB-load-misses}
     * @return the counter that perf shows under that name on a core of {@code vendor}
     */
    public static MmuEvent generic(Vendor vendor, String generic) {
        return switch (generic) {
            case "dTLB-loads" -> vendor == Vendor.AMD ? L1_MISSES : DTLB_LOADS;
            case "dTLB-load-misses" -> vendor == Vendor.ARM ? L1_MISSES : WALKS;
            default -> throw new IllegalArgumentException("not a generic dTLB event: " + generic);
        };
    }
}
