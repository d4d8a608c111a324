package org.thplab.mm.core.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Copy on divergence: shadows that share a CPU's MMU state translate exactly as shadows that
 * keep their own, whatever happens in between (the other page size, flushes, other address
 * spaces, another process's shadows, a shadow used from another CPU). Each case runs the same
 * random operations on twinned MMUs and on independent ones and compares every translation's
 * cycles, the CPU MMU's counters, and a long probe of every MMU's state at the end.
 */
class MmuTwinTest {
    private static final int PAGE_SHIFT = Mmu.PAGE_SHIFT;
    private static final int PMD_SHIFT = Mmu.PMD_SHIFT;

    /** A CPU's MMU and the two shadows of each of two processes, twinned or not. */
    private static final class World {
        final Mmu cpu;
        final Mmu other;
        final Mmu[][] shadows = new Mmu[2][];
        final boolean twins;

        World(MmuPreset p, boolean twins) {
            this.twins = twins;
            cpu = new Mmu(p);
            other = new Mmu(p);
            for (int s = 0; s < 2; s++) {
                newShadows(s);
            }
        }

        void newShadows(int proc) {
            shadows[proc] = new Mmu[] {new Mmu(cpu.preset()), new Mmu(cpu.preset())};
            if (twins) {
                cpu.twin(shadows[proc][0]);
                cpu.twin(shadows[proc][1]);
            }
        }

        /** One access of process {@code proc} on the CPU, as Accesses.run makes it. @return the three cycle counts */
        long access(int proc, long va, int shift) {
            Mmu thp = shadows[proc][0];
            Mmu small = shadows[proc][1];
            int c;
            long a;
            long b;
            if (twins) {
                cpu.detachAllBut(thp, small);
                cpu.detach(shift == PMD_SHIFT ? small : thp);
                c = cpu.translateShared(proc, va, shift);
                a = cpu.shares(thp) ? c : thp.translate(proc, va, PMD_SHIFT);
                b = cpu.shares(small) ? c : small.translate(proc, va, PAGE_SHIFT);
            } else {
                c = cpu.translate(proc, va, shift);
                a = thp.translate(proc, va, PMD_SHIFT);
                b = small.translate(proc, va, PAGE_SHIFT);
            }
            return c * 1_000_000_000L + a * 1_000_000L + b;
        }
    }

    private static void compare(MmuPreset p, long seed, long span) {
        World twin = new World(p, true);
        World ref = new World(p, false);
        SplittableRandom r = new SplittableRandom(seed);
        int hugeRun = 0;
        int shared = 0;
        for (int step = 0; step < 40_000; step++) {
            int op = r.nextInt(10_000);
            long va = (1L << 32) + (r.nextLong(span) & ~7L);
            int proc = r.nextInt(200) == 0 ? 1 : 0; // another process on the CPU parts the twins
            if (op < 9900) {
                // Mostly long runs of one page size, as a THP-backed or base-page region gives.
                if (hugeRun-- <= 0) {
                    hugeRun = r.nextInt(3000);
                }
                int shift = (hugeRun & 1024) != 0 ? PAGE_SHIFT : PMD_SHIFT;
                shared += twin.cpu.shares(twin.shadows[proc][shift == PMD_SHIFT ? 0 : 1]) ? 1 : 0;
                assertEquals(ref.access(proc, va, shift), twin.access(proc, va, shift), "step " + step);
            } else if (op < 9920) {
                ref.cpu.flushTlbPage(proc, va);
                twin.cpu.flushTlbPage(proc, va);
            } else if (op < 9930) {
                long end = va + ((long) r.nextInt(64) << 12);
                assertEquals(ref.cpu.flushTlbRange(proc, va, end, PAGE_SHIFT), twin.cpu.flushTlbRange(proc, va, end, PAGE_SHIFT));
            } else if (op < 9940) {
                ref.cpu.flushTlbMm(proc);
                twin.cpu.flushTlbMm(proc);
            } else if (op < 9945) {
                ref.cpu.flushTlbAll();
                twin.cpu.flushTlbAll();
            } else if (op < 9960) {
                assertEquals(ref.cpu.translate(7, va, PAGE_SHIFT), twin.cpu.translate(7, va, PAGE_SHIFT)); // another process, no shadows
            } else if (op < 9975) {
                // A thread of the process on another CPU: its shadow translates apart from this CPU.
                assertEquals(ref.shadows[proc][0].translate(proc, va, PMD_SHIFT), twin.shadows[proc][0].translate(proc, va, PMD_SHIFT));
                ref.other.translate(proc, va, PMD_SHIFT);
                twin.other.translate(proc, va, PMD_SHIFT);
            } else {
                // A new MMU configuration: every TLB empty, new shadows, which twin the CPU's MMU
                // (the other process's shadows only when they hold nothing either).
                ref.cpu.flushTlbAll();
                twin.cpu.flushTlbAll();
                ref.newShadows(proc);
                twin.newShadows(proc);
            }
        }
        assertTrue(shared > 2_000, "accesses through a shared translation: " + shared);
        for (var e : MmuEvent.values()) {
            assertEquals(ref.cpu.count(e), twin.cpu.count(e), e.name());
        }
        // The state each would go on from: the same translations cost the same in every MMU.
        for (int k = 0; k < 5000; k++) {
            long va = (1L << 32) + (r.nextLong(span) & ~7L);
            int shift = r.nextBoolean() ? PAGE_SHIFT : PMD_SHIFT;
            assertEquals(ref.cpu.translate(0, va, shift), twin.cpu.translate(0, va, shift), "cpu, probe " + k);
            for (int s = 0; s < 2; s++) {
                for (int w = 0; w < 2; w++) {
                    assertEquals(ref.shadows[s][w].translate(s, va, shift), twin.shadows[s][w].translate(s, va, shift),
                            "shadow " + s + "/" + w + ", probe " + k);
                }
            }
        }
    }

    @Test
    void twinnedShadowsTranslateAsIndependentOnes() {
        long seed = 1;
        for (String name : MmuPreset.names()) {
            MmuPreset p = MmuPreset.named(name);
            compare(p, seed++, 64L << 20); // mostly hits
            compare(p, seed++, 8L << 30); // mostly misses
        }
    }

    @Test
    void onlyEmptyMmusOfOnePresetTwin() {
        MmuPreset p = MmuPreset.zen4();
        Mmu cpu = new Mmu(p);
        Mmu shadow = new Mmu(p);
        assertFalse(cpu.twin(new Mmu(MmuPreset.skylake())), "another preset");
        cpu.translate(1, 0x1000, PAGE_SHIFT);
        assertFalse(cpu.twin(shadow), "the CPU's MMU holds an entry the shadow does not");
        cpu.flushTlbAll();
        assertTrue(cpu.twin(shadow));
        assertFalse(cpu.twin(shadow), "a twin already");
        assertTrue(cpu.shares(shadow));
        cpu.flushTlbPage(1, 0x1000);
        assertFalse(cpu.shares(shadow), "a flush of the CPU's MMU parts them");
    }

    @Test
    void aTwinsOwnFlushOrTranslationPartsItFirst() {
        MmuPreset p = MmuPreset.zen4();
        Mmu cpu = new Mmu(p);
        Mmu shadow = new Mmu(p);
        Mmu alone = new Mmu(p);
        assertTrue(cpu.twin(shadow));
        assertEquals(alone.translate(1, 0x1000, PAGE_SHIFT), cpu.translateShared(1, 0x1000, PAGE_SHIFT));
        shadow.flushTlbMm(1);
        alone.flushTlbMm(1);
        assertFalse(cpu.shares(shadow), "the shadow's own flush parts it");
        assertEquals(alone.translate(1, 0x1000, PAGE_SHIFT), shadow.translate(1, 0x1000, PAGE_SHIFT), "the flush is not lost");
        Mmu other = new Mmu(p);
        Mmu second = new Mmu(p);
        assertTrue(other.twin(second));
        assertFalse(second.twin(new Mmu(p)), "a twin has no twins of its own");
        assertThrows(IllegalStateException.class, () -> second.translateShared(1, 0, PAGE_SHIFT));
    }
}
