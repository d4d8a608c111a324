package org.thplab.policy.faultmthp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Defrag;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.fault.AnonFault;

/**
 * The orders fault-mthp asks for, as __handle_mm_fault() and alloc_anon_folio() choose them: the
 * PMD first where it is allowed (create_huge_pmd()), then for a write the allowed mTHP orders
 * from the largest down, each tried until one maps (thp_vma_allowable_orders(), with
 * {@code inherit} taking the top-level mode); never in a VM_NOHUGEPAGE VMA, never for a read.
 */
class MthpFaultPolicyTest {

    /** A fault whose mechanisms record their calls; mapNewLargeFolio maps only the orders in {@code maps}. */
    private static final class Fault implements AnonFault {
        final Map<Integer, ThpEnabled> modes = new HashMap<>();
        ThpEnabled enabled = ThpEnabled.NEVER;
        boolean write = true;
        boolean pmdNone = true;
        boolean hugepage;
        boolean nohugepage;
        FaultOutcome huge = FaultOutcome.MAPPED;
        List<Integer> maps = List.of();
        final List<String> calls = new ArrayList<>();

        @Override
        public Tunables tunables() {
            return new Tunables() {
                @Override
                public ThpEnabled enabled() {
                    return enabled;
                }

                @Override
                public ThpEnabled orderEnabled(int order) {
                    ThpEnabled m = modes.get(order);
                    return m != null ? m : enabled; // inherit
                }

                @Override
                public Defrag defrag() {
                    return Defrag.MADVISE;
                }

                @Override
                public boolean useZeroPage() {
                    return true;
                }

                @Override
                public long number(String knob) {
                    throw new UnsupportedOperationException(knob);
                }

                @Override
                public Map<String, String> all() {
                    return Map.of();
                }
            };
        }

        @Override
        public long address() {
            return 0x100000000L;
        }

        @Override
        public boolean write() {
            return write;
        }

        @Override
        public boolean pmdNone() {
            return pmdNone;
        }

        @Override
        public boolean hugeSuitable() {
            return true;
        }

        @Override
        public boolean vmHugepage() {
            return hugepage;
        }

        @Override
        public boolean vmNoHugepage() {
            return nohugepage;
        }

        /** The mask as the core computes it from the same modes (the core's own tests check that). */
        @Override
        public int allowableOrders() {
            if (nohugepage) {
                return 0;
            }
            int mask = 0;
            for (int o = 2; o <= 9; o++) {
                ThpEnabled m = tunables().orderEnabled(o);
                mask |= m == ThpEnabled.ALWAYS || (m == ThpEnabled.MADVISE && hugepage) ? 1 << o : 0;
            }
            return mask;
        }

        @Override
        public FaultOutcome mapHugeZeroPage() {
            calls.add("mapHugeZeroPage");
            return huge;
        }

        @Override
        public FaultOutcome mapNewHugePage() {
            calls.add("mapNewHugePage");
            return huge;
        }

        @Override
        public FaultOutcome mapNewLargeFolio(int order) {
            calls.add("mapNewLargeFolio(" + order + ")");
            return maps.contains(order) ? FaultOutcome.MAPPED : FaultOutcome.FALLBACK;
        }

        @Override
        public boolean reserved() {
            return false;
        }

        @Override
        public int reservationUsed() {
            return 0;
        }

        @Override
        public FaultOutcome mapFromReservation() {
            throw new UnsupportedOperationException();
        }

        @Override
        public FaultOutcome reserveAndMap() {
            throw new UnsupportedOperationException();
        }
    }

    private static Fault fault() {
        Fault f = new Fault();
        f.modes.put(9, null); // hugepages-2048kB/enabled inherits
        for (int o = 2; o < 9; o++) {
            f.modes.put(o, ThpEnabled.NEVER);
        }
        return f;
    }

    private static FaultOutcome run(Fault f) {
        return new MthpFaultPolicy().fault(f);
    }

    @Test
    void thePmdComesFirstWhereItIsAllowed() {
        Fault f = fault();
        f.enabled = ThpEnabled.ALWAYS;
        f.modes.put(4, ThpEnabled.ALWAYS);
        assertEquals(FaultOutcome.MAPPED, run(f));
        assertEquals(List.of("mapNewHugePage"), f.calls);
    }

    @Test
    void aFailedPmdFallsToTheLargestAllowedOrderThenDown() {
        Fault f = fault();
        f.enabled = ThpEnabled.ALWAYS;
        f.huge = FaultOutcome.FALLBACK;
        f.modes.put(4, ThpEnabled.ALWAYS);
        f.modes.put(2, ThpEnabled.ALWAYS);
        f.maps = List.of(2);
        assertEquals(FaultOutcome.MAPPED, run(f));
        assertEquals(List.of("mapNewHugePage", "mapNewLargeFolio(4)", "mapNewLargeFolio(2)"), f.calls);
    }

    @Test
    void aSizeOfItsOwnWorksWhereThePmdIsNever() {
        Fault f = fault();
        f.modes.put(4, ThpEnabled.ALWAYS); // enabled=never: hugepages-64kB/enabled=always still maps 64 kB
        f.maps = List.of(4);
        assertEquals(FaultOutcome.MAPPED, run(f));
        assertEquals(List.of("mapNewLargeFolio(4)"), f.calls);
    }

    @Test
    void madviseNeedsVmHugepageAndInheritTakesTheTopLevelMode() {
        Fault f = fault();
        f.pmdNone = false; // a page table is there: do_anonymous_page() only
        f.enabled = ThpEnabled.MADVISE;
        f.modes.put(5, null); // inherit: madvise
        f.modes.put(3, ThpEnabled.MADVISE);
        assertEquals(FaultOutcome.FALLBACK, run(f));
        assertEquals(List.of(), f.calls);
        f.hugepage = true;
        assertEquals(FaultOutcome.FALLBACK, run(f));
        assertEquals(List.of("mapNewLargeFolio(5)", "mapNewLargeFolio(3)"), f.calls);
    }

    @Test
    void neverInANoHugepageVmaNorForARead() {
        Fault f = fault();
        f.modes.put(4, ThpEnabled.ALWAYS);
        f.nohugepage = true;
        assertEquals(FaultOutcome.FALLBACK, run(f));
        f.nohugepage = false;
        f.write = false;
        assertEquals(FaultOutcome.FALLBACK, run(f));
        assertEquals(List.of(), f.calls);
    }
}
