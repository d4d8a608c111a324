package org.thplab.mm.core.mmu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.thplab.mm.core.mmu.Mmu.PAGE_SHIFT;
import static org.thplab.mm.core.mmu.Mmu.PMD_SHIFT;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The analytic cases of issue 11: expected values from the formulas and the preset's sizes. */
class MmuTest {
    private static final long K4 = 1L << 12;
    private static final long M2 = 1L << 21;
    private static final long BASE = 1L << 32; // 4 GiB: one PML4E and one PDPTE cover the tests' regions

    private static Mmu mmu(String preset) {
        return new Mmu(MmuPreset.named(preset));
    }

    private static int l1Entries(MmuPreset p, boolean huge) {
        return (huge ? p.l1Huge() : p.l1Small()).entries();
    }

    /**
     * Sequential access, eight loads per 4 KiB page, over a region larger than every TLB: each
     * page misses once per level (its first load), and never again.
     */
    @Test
    void sequentialAccessMissesOncePerPagePerLevel() {
        for (String name : MmuPreset.names()) {
            for (int shift : new int[] {PAGE_SHIFT, PMD_SHIFT}) {
                Mmu m = mmu(name);
                long size = 1L << 30;
                for (long va = BASE; va < BASE + size; va += 512) {
                    m.translate(1, va, shift);
                }
                long pages = size >> shift;
                String what = name + " with pages of 2^" + shift;
                assertEquals(size / 512, m.count(MmuEvent.DTLB_LOADS), what);
                assertEquals(pages, m.count(MmuEvent.L1_MISSES), what);
                assertEquals(0, m.count(MmuEvent.STLB_HITS), what);
                assertEquals(pages, m.count(MmuEvent.WALKS), what);
                assertEquals(pages, m.count(shift == PMD_SHIFT ? MmuEvent.WALKS_2M : MmuEvent.WALKS_4K), what);
            }
        }
    }

    /** Uniform random over N 4 KiB pages through Zen 4's fully associative 72-entry L1: misses 1 - 72/N. */
    @Test
    void uniformRandomAccessMissesTheFullyAssociativeL1WithProbabilityOneMinusEOverN() {
        for (String name : new String[] {"zen4", "zen2", "neoverse-n1"}) {
            Mmu m = mmu(name);
            int e = l1Entries(m.preset(), false);
            int n = 4096;
            SplittableRandom r = new SplittableRandom(11);
            for (int i = 0; i < 20 * n; i++) {
                m.translate(1, BASE + r.nextInt(n) * K4, PAGE_SHIFT);
            }
            long loads0 = m.count(MmuEvent.DTLB_LOADS);
            long misses0 = m.count(MmuEvent.L1_MISSES);
            int accesses = 500_000;
            for (int i = 0; i < accesses; i++) {
                m.translate(1, BASE + r.nextInt(n) * K4, PAGE_SHIFT);
            }
            assertEquals(accesses, m.count(MmuEvent.DTLB_LOADS) - loads0);
            double p = 1.0 - (double) e / n;
            double sigma = Math.sqrt(accesses * p * (1 - p));
            assertEquals(accesses * p, m.count(MmuEvent.L1_MISSES) - misses0, 5 * sigma, name);
        }
    }

    /** A working set that fits the L1 dTLB misses on its first touch only, whatever the order after. */
    @Test
    void aWorkingSetThatFitsMissesOnlyOnItsFirstTouch() {
        for (String name : MmuPreset.names()) {
            for (int shift : new int[] {PAGE_SHIFT, PMD_SHIFT}) {
                Mmu m = mmu(name);
                int pages = l1Entries(m.preset(), shift == PMD_SHIFT);
                SplittableRandom r = new SplittableRandom(5);
                for (int i = 0; i < 200_000; i++) {
                    m.translate(1, BASE + ((long) r.nextInt(pages) << shift) + r.nextInt(4096), shift);
                }
                for (int i = 0; i < pages; i++) { // every page touched at least once
                    m.translate(1, BASE + ((long) i << shift), shift);
                }
                assertEquals(pages, m.count(MmuEvent.L1_MISSES), name + " 2^" + shift);
                assertEquals(pages, m.count(MmuEvent.WALKS), name + " 2^" + shift);
            }
        }
    }

    /**
     * One L1 entry covers 512 times more with 2 MiB pages: a region of E x 2 MiB, touched at random,
     * misses E times with THPs, and with base pages nearly every time (1 - E/(512 E)).
     */
    @Test
    void twoMegabyteEntriesGive512TimesTheReach() {
        Mmu thp = mmu("zen4");
        Mmu base = mmu("zen4");
        int e = l1Entries(thp.preset(), true);
        long region = e * M2;
        SplittableRandom r = new SplittableRandom(3);
        int accesses = 300_000;
        for (int i = 0; i < accesses; i++) {
            long va = BASE + (r.nextLong(region) & -8L);
            thp.translate(1, va, PMD_SHIFT);
            base.translate(1, va, PAGE_SHIFT);
        }
        assertEquals(e, thp.count(MmuEvent.L1_MISSES));
        // The same bytes in E x 512 base pages: 1 - 1/512 of the accesses miss, less the first-touch
        // excess (each first touch is a miss anyway), bounded by five binomial sigmas.
        double p = 1.0 - 1.0 / 512;
        double sigma = Math.sqrt(accesses * p * (1 - p));
        assertEquals(accesses * p, base.count(MmuEvent.L1_MISSES), 5 * sigma + e);
        // In bytes: E entries reach E x 4 KiB or E x 2 MiB.
        assertEquals(512 * e * K4, e * M2);
    }

    /** Nested paging: a walk of g guest and h host levels makes (g+1)(h+1)-1 references (Bhargava et al. 2008). */
    @Test
    void aNestedWalkMakesGPlusOneTimesHPlusOneMinusOneReferences() {
        int[][] cases = { // guest page shift, host page shift, g, h
            {PAGE_SHIFT, PAGE_SHIFT, 4, 4}, {PMD_SHIFT, PAGE_SHIFT, 3, 4}, {PAGE_SHIFT, PMD_SHIFT, 4, 3},
            {PMD_SHIFT, PMD_SHIFT, 3, 3}};
        for (int[] c : cases) {
            Mmu m = new Mmu(MmuPreset.zen4().virtualized(c[1]));
            m.translate(1, BASE, c[0]); // nothing cached: every guest level is read
            int g = c[2];
            int h = c[3];
            assertEquals((g + 1) * (h + 1) - 1, m.count(MmuEvent.WALK_REFS), "guest 2^" + c[0] + " host 2^" + c[1]);
            // The TLB entry is the smaller page.
            boolean entry2m = c[0] == PMD_SHIFT && c[1] == PMD_SHIFT;
            assertEquals(1, m.count(entry2m ? MmuEvent.WALKS_2M : MmuEvent.WALKS_4K));
        }
        assertEquals(24, (4 + 1) * (4 + 1) - 1); // the paper's figure for 4-level guest and host
        // A second 4K page under the same PDE: the cached PDE leaves one guest level, 2(h+1)-1 = 9.
        Mmu m = new Mmu(MmuPreset.zen4().virtualized(PAGE_SHIFT));
        m.translate(1, BASE, PAGE_SHIFT);
        m.translate(1, BASE + K4, PAGE_SHIFT);
        assertEquals(24 + 9, m.count(MmuEvent.WALK_REFS));
        assertEquals(1, m.count(MmuEvent.PWC_HIT_PDE));
    }

    /** A native walk costs its levels below the deepest cached entry, from the preset's per-level figures. */
    @Test
    void aNativeWalkCostsTheLevelsItReads() {
        MmuPreset p = MmuPreset.skylake();
        Mmu m = new Mmu(p);
        int[] level = p.levelCycles().stream().mapToInt(Integer::intValue).toArray();
        int all = level[0] + level[1] + level[2] + level[3];
        assertEquals(p.l1HitCycles() + p.l2HitCycles() + all, m.translate(1, BASE, PAGE_SHIFT));
        assertEquals(p.l1HitCycles(), m.translate(1, BASE + 8, PAGE_SHIFT), "an L1 hit");
        // Next page: the PDE cache holds its page table's address; only the PTE is read.
        assertEquals(p.l1HitCycles() + p.l2HitCycles() + level[0], m.translate(1, BASE + K4, PAGE_SHIFT));
        // A 2 MiB page elsewhere in the same 1 GiB: the PDPTE is cached, the PDE (the leaf) is read.
        assertEquals(p.l1HitCycles() + p.l2HitCycles() + level[1], m.translate(1, BASE + 64 * M2, PMD_SHIFT));
        assertEquals(1 + 4 + 1, m.count(MmuEvent.WALK_REFS));
        assertEquals(1, m.count(MmuEvent.PWC_HIT_PDE));
        assertEquals(1, m.count(MmuEvent.PWC_HIT_PDPTE));
        assertEquals(m.count(MmuEvent.CYCLES), m.count(MmuEvent.WALK_ACTIVE) + 3 * (p.l1HitCycles() + p.l2HitCycles()));
        assertEquals(0, m.count(MmuEvent.EPT_WALK_PENDING));
        // A 2 MiB leaf makes no PDE-cache entry (SDM §4.10.3.1).
        assertEquals(1, m.pwc(Tlb.PDE).size());
    }

    /** Zen 4 keeps PDEs in its L2 TLB: they take L2 entries. */
    @Test
    void zen4KeepsPdesInTheL2Tlb() {
        Mmu m = mmu("zen4");
        m.translate(1, BASE, PAGE_SHIFT);
        assertEquals(2, m.l2().size(), "the leaf and its PDE");
        assertTrue(m.l2().contains(Tlb.tag(1, BASE, Tlb.PDE)));
        assertEquals(2, m.pwc(Tlb.PML4E).size(), "PML4E and PDPTE in the page directory cache");
    }

    @Test
    void flushesRemoveExactlyWhatTheyShould() {
        Mmu m = mmu("skylake");
        for (int i = 0; i < 8; i++) {
            m.translate(1, BASE + i * K4, PAGE_SHIFT);
            m.translate(2, BASE + i * K4, PAGE_SHIFT);
        }
        m.translate(1, BASE + 4 * M2, PMD_SHIFT);
        // INVLPG: the page's leaf entries, and every walk entry of that address space.
        m.flushTlbPage(1, BASE + 3 * K4 + 100);
        assertEquals(7 + 1, m.l2().size() - 8, "asid 1 keeps 7 pages and its 2M page in the STLB");
        assertEquals(7, m.l1(false).size() - 8);
        assertEquals(0, m.pwc(Tlb.PDE).size() - 1, "asid 2's PDE stays");
        assertEquals(1, m.pwc(Tlb.PML4E).size());
        // A range of 4 pages: four INVLPGs.
        assertEquals(4, m.flushTlbRange(1, BASE, BASE + 4 * K4, PAGE_SHIFT));
        assertEquals(4 + 1 + 8, m.l2().size());
        // One PMD stride drops the 2M entry; 512 4K strides would be a full flush (> 33).
        assertEquals(1, m.flushTlbRange(1, BASE + 4 * M2, BASE + 5 * M2, PMD_SHIFT));
        assertEquals(4 + 8, m.l2().size());
        assertEquals(33, m.flushTlbRange(1, BASE + 100 * M2, BASE + 100 * M2 + 33 * K4, PAGE_SHIFT));
        assertEquals(4 + 8, m.l2().size(), "33 strides: single flushes of pages not held");
        assertEquals(Mmu.TLB_FLUSH_ALL, m.flushTlbRange(1, BASE + 100 * M2, BASE + 101 * M2, PAGE_SHIFT));
        assertEquals(8, m.l2().size(), "asid 1 gone, asid 2 untouched");
        assertEquals(4 + 1 + 1 + 33, m.count(MmuEvent.INVLPG));
        m.flushTlbMm(2);
        assertEquals(0, m.l2().size() + m.l1(false).size() + m.pwc(Tlb.PDE).size() + m.pwc(Tlb.PDPTE).size());
        m.translate(3, BASE, PAGE_SHIFT);
        m.flushTlbAll();
        assertEquals(0, m.l2().size() + m.pwc(Tlb.PML4E).size());
    }

    @Test
    void theSameSequenceGivesTheSameCounters() {
        for (String name : MmuPreset.names()) {
            long[] a = new long[MmuEvent.values().length];
            long[] b = new long[MmuEvent.values().length];
            for (long[] sums : new long[][] {a, b}) {
                Mmu m = new Mmu(MmuPreset.named(name).virtualized(PAGE_SHIFT));
                SplittableRandom r = new SplittableRandom(99);
                for (int i = 0; i < 100_000; i++) {
                    int asid = r.nextInt(3);
                    long va = BASE + r.nextLong(1L << 34);
                    m.translate(asid, va, r.nextBoolean() ? PAGE_SHIFT : PMD_SHIFT);
                    if (r.nextInt(1000) == 0) {
                        m.flushTlbRange(asid, va & -K4, (va & -K4) + r.nextInt(64) * K4, PAGE_SHIFT);
                    }
                }
                m.addCounts(sums);
            }
            assertArrayEquals(a, b, name);
            assertTrue(a[MmuEvent.WALKS.ordinal()] > 0);
        }
    }

    @Test
    void translationsOutsideTheModelAreRefused() {
        Mmu m = mmu("zen4");
        assertThrows(IllegalArgumentException.class, () -> m.translate(1, 1L << 48, PAGE_SHIFT));
        assertThrows(IllegalArgumentException.class, () -> m.translate(-1, 0, PAGE_SHIFT));
        assertThrows(IllegalArgumentException.class, () -> m.translate(1, 0, 30));
        assertThrows(IllegalArgumentException.class, () -> MmuPreset.named("pentium"));
    }

    @Test
    void perfsGenericDtlbEventsFollowTheVendor() {
        assertEquals(MmuEvent.L1_MISSES, MmuEvent.generic(MmuPreset.Vendor.AMD, "dTLB-loads"));
        assertEquals(MmuEvent.WALKS, MmuEvent.generic(MmuPreset.Vendor.AMD, "dTLB-load-misses"));
        assertEquals(MmuEvent.DTLB_LOADS, MmuEvent.generic(MmuPreset.Vendor.INTEL, "dTLB-loads"));
        assertEquals(MmuEvent.WALKS, MmuEvent.generic(MmuPreset.Vendor.INTEL, "dTLB-load-misses"));
        assertEquals(MmuEvent.L1_MISSES, MmuEvent.generic(MmuPreset.Vendor.ARM, "dTLB-load-misses"));
        assertEquals(MmuEvent.WALKS_2M, MmuEvent.named("dtlb_load_misses.walk_completed_2m_4m"));
    }
}
