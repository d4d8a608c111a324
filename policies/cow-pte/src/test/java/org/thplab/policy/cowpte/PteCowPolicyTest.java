package org.thplab.policy.cowpte;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.cow.HugeWriteFault;

/**
 * do_huge_pmd_wp_page() of Linux 6.18 as cow-pte decides it: the huge zero page goes to
 * do_huge_zero_wp_pmd() (a new THP, since 6.13), which falls back to the split only when the
 * allocation fails; a shared THP is split (since 5.8).
 */
class PteCowPolicyTest {

    /** Records the mechanisms the policy calls; copyHugePage answers {@code copy}. */
    private static final class Fault implements HugeWriteFault {
        final boolean zero;
        final FaultOutcome copy;
        final List<String> calls = new ArrayList<>();

        Fault(boolean zero, FaultOutcome copy) {
            this.zero = zero;
            this.copy = copy;
        }

        @Override
        public Tunables tunables() {
            throw new UnsupportedOperationException("cow-pte needs no tunable");
        }

        @Override
        public long address() {
            return 0x100000000L;
        }

        @Override
        public boolean hugeZeroPage() {
            return zero;
        }

        @Override
        public boolean vmHugepage() {
            return false;
        }

        @Override
        public boolean vmNoHugepage() {
            return false;
        }

        @Override
        public boolean pmdYoung() {
            throw new UnsupportedOperationException("cow-pte does not ask whether the THP is hot");
        }

        @Override
        public boolean folioReferenced() {
            throw new UnsupportedOperationException("cow-pte does not ask whether the THP is hot");
        }

        @Override
        public FaultOutcome copyHugePage() {
            calls.add("copyHugePage");
            return copy;
        }

        @Override
        public void splitPmd() {
            calls.add("splitPmd");
        }
    }

    @Test
    void doHugeZeroWpPmdMapsANewThpWithoutSplitting() {
        Fault f = new Fault(true, FaultOutcome.MAPPED);
        assertEquals(FaultOutcome.MAPPED, new PteCowPolicy().hugeWriteFault(f));
        assertEquals(List.of("copyHugePage"), f.calls);
    }

    @Test
    void doHugeZeroWpPmdSplitsOnlyWhenNoThpCanBeHad() {
        Fault f = new Fault(true, FaultOutcome.FALLBACK);
        assertEquals(FaultOutcome.FALLBACK, new PteCowPolicy().hugeWriteFault(f));
        assertEquals(List.of("copyHugePage", "splitPmd"), f.calls);
    }

    @Test
    void doHugePmdWpPageSplitsASharedThp() {
        Fault f = new Fault(false, FaultOutcome.MAPPED);
        assertEquals(FaultOutcome.FALLBACK, new PteCowPolicy().hugeWriteFault(f));
        assertEquals(List.of("splitPmd"), f.calls);
    }
}
