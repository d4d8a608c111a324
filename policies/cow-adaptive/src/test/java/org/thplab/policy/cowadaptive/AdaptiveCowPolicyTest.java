package org.thplab.policy.cowadaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Defrag;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.cow.HugeWriteFault;
import org.thplab.policy.cowadaptive.AdaptiveCowPolicy.HotSignal;

/**
 * The adaptive CoW rule: all 2 MiB for a hot THP of a VM_HUGEPAGE region, else split and 4 KiB;
 * the split too when no huge page can be had; the huge zero page as do_huge_zero_wp_pmd().
 */
class AdaptiveCowPolicyTest {

    /** A write fault on a shared THP; records the mechanisms the policy calls. */
    private static final class Fault implements HugeWriteFault {
        ThpEnabled enabled = ThpEnabled.ALWAYS;
        boolean zero;
        boolean hugepage = true;
        boolean nohugepage;
        boolean young = true;
        boolean referenced = true;
        FaultOutcome copy = FaultOutcome.MAPPED;
        final List<String> calls = new ArrayList<>();

        @Override
        public Tunables tunables() {
            return new Tunables() {
                @Override
                public ThpEnabled enabled() {
                    return enabled;
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
        public boolean hugeZeroPage() {
            return zero;
        }

        @Override
        public boolean vmHugepage() {
            return hugepage;
        }

        @Override
        public boolean vmNoHugepage() {
            return nohugepage;
        }

        @Override
        public boolean pmdYoung() {
            calls.add("pmdYoung");
            return young;
        }

        @Override
        public boolean folioReferenced() {
            calls.add("folioReferenced");
            return referenced;
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

    private static final AdaptiveCowPolicy DEFAULT = new AdaptiveCowPolicy(true, HotSignal.young);

    @Test
    void aHotThpOfAMadvHugepageRegionIsCopiedWhole() {
        Fault f = new Fault();
        assertEquals(FaultOutcome.MAPPED, DEFAULT.hugeWriteFault(f));
        assertEquals(List.of("pmdYoung", "copyHugePage"), f.calls);
    }

    @Test
    void anOldPmdIsSplitAndOnePageCopied() {
        Fault f = new Fault();
        f.young = false; // the child's PMD after fork (copy_huge_pmd(): pmd_mkold())
        assertEquals(FaultOutcome.FALLBACK, DEFAULT.hugeWriteFault(f));
        assertEquals(List.of("pmdYoung", "splitPmd"), f.calls);
    }

    @Test
    void withoutVmHugepageEvenAHotThpIsSplit() {
        Fault f = new Fault();
        f.hugepage = false;
        assertEquals(FaultOutcome.FALLBACK, DEFAULT.hugeWriteFault(f));
        assertEquals(List.of("splitPmd"), f.calls);
    }

    @Test
    void vmNoHugepageAndEnabledNeverSplit() {
        Fault f = new Fault();
        f.nohugepage = true;
        assertEquals(FaultOutcome.FALLBACK, DEFAULT.hugeWriteFault(f));
        assertEquals(List.of("splitPmd"), f.calls);
        Fault g = new Fault();
        g.enabled = ThpEnabled.NEVER;
        assertEquals(FaultOutcome.FALLBACK, DEFAULT.hugeWriteFault(g));
        assertEquals(List.of("splitPmd"), g.calls);
    }

    @Test
    void noHugePageToBeHadFallsBackTo4K() {
        Fault f = new Fault();
        f.copy = FaultOutcome.FALLBACK; // copyHugePage() counted thp_fault_fallback
        assertEquals(FaultOutcome.FALLBACK, DEFAULT.hugeWriteFault(f));
        assertEquals(List.of("pmdYoung", "copyHugePage", "splitPmd"), f.calls);
    }

    @Test
    void oomIsPassedOn() {
        Fault f = new Fault();
        f.copy = FaultOutcome.OOM;
        assertEquals(FaultOutcome.OOM, DEFAULT.hugeWriteFault(f));
        assertEquals(List.of("pmdYoung", "copyHugePage"), f.calls);
    }

    @Test
    void referencedLooksAtEveryMapping() {
        AdaptiveCowPolicy p = new AdaptiveCowPolicy(true, HotSignal.referenced);
        Fault f = new Fault();
        f.young = false; // the child's PMD is old, the parent's young
        assertEquals(FaultOutcome.MAPPED, p.hugeWriteFault(f));
        assertEquals(List.of("folioReferenced", "copyHugePage"), f.calls);
        Fault g = new Fault();
        g.young = false;
        g.referenced = false;
        assertEquals(FaultOutcome.FALLBACK, p.hugeWriteFault(g));
        assertEquals(List.of("folioReferenced", "splitPmd"), g.calls);
    }

    @Test
    void hotSignalNoneCopiesEveryThpOfTheRegion() {
        Fault f = new Fault();
        f.young = false;
        f.referenced = false;
        assertEquals(FaultOutcome.MAPPED, new AdaptiveCowPolicy(true, HotSignal.none).hugeWriteFault(f));
        assertEquals(List.of("copyHugePage"), f.calls);
    }

    @Test
    void withoutRequireVmHugepageTheEnabledModeDecidesAsForCowHuge() {
        AdaptiveCowPolicy p = new AdaptiveCowPolicy(false, HotSignal.young);
        Fault always = new Fault();
        always.hugepage = false;
        assertEquals(FaultOutcome.MAPPED, p.hugeWriteFault(always));
        Fault madvise = new Fault();
        madvise.hugepage = false;
        madvise.enabled = ThpEnabled.MADVISE;
        assertEquals(FaultOutcome.FALLBACK, p.hugeWriteFault(madvise));
        assertEquals(List.of("splitPmd"), madvise.calls);
    }

    @Test
    void theHugeZeroPageGetsANewThpWhateverTheRule() {
        Fault f = new Fault();
        f.zero = true;
        f.hugepage = false;
        f.young = false;
        assertEquals(FaultOutcome.MAPPED, DEFAULT.hugeWriteFault(f));
        assertEquals(List.of("copyHugePage"), f.calls);
        Fault g = new Fault();
        g.zero = true;
        g.copy = FaultOutcome.FALLBACK;
        assertEquals(FaultOutcome.FALLBACK, DEFAULT.hugeWriteFault(g));
        assertEquals(List.of("copyHugePage", "splitPmd"), g.calls);
    }
}
