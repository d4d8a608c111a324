package org.thplab.mm.core.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.thplab.mm.core.mmu.Mmu.PAGE_SHIFT;
import static org.thplab.mm.core.mmu.Mmu.PMD_SHIFT;
import static org.thplab.mm.core.mmu.TlbFlushEvent.NR_TLB_LOCAL_FLUSH_ALL;
import static org.thplab.mm.core.mmu.TlbFlushEvent.NR_TLB_LOCAL_FLUSH_ONE;
import static org.thplab.mm.core.mmu.TlbFlushEvent.NR_TLB_REMOTE_FLUSH;
import static org.thplab.mm.core.mmu.TlbFlushEvent.NR_TLB_REMOTE_FLUSH_RECEIVED;
import static org.thplab.mm.core.mmu.TlbFlushEvent.TLB_SHOOTDOWNS;

import org.junit.jupiter.api.Test;

/**
 * The flush protocol of arch/x86/mm/tlb.c. The first tests are the oracle of the research notes
 * (two CPUs, no INVLPGB, no concurrency): what each operation adds to the four counters, from
 * reading flush_tlb_mm_range(), native_flush_tlb_multi(), flush_tlb_func() and
 * arch_tlbbatch_flush(). The kernel paths named are the ones the core will call these from.
 */
class MmusTest {
    private static final int A = 7;
    private static final long K4 = 1L << 12;
    private static final long M2 = 1L << 21;
    private static final long HADDR = 1L << 32;

    /** mm A running, not lazily, on both CPUs. */
    private static Mmus twoCpusRunningA() {
        Mmus m = new Mmus(MmuPreset.zen4(), 2);
        m.switchMm(0, A);
        m.switchMm(1, A);
        return m;
    }

    private static void expect(Mmus m, long remote, long received, long one, long all) {
        assertEquals(remote, m.count(NR_TLB_REMOTE_FLUSH), "nr_tlb_remote_flush");
        assertEquals(received, m.count(1, NR_TLB_REMOTE_FLUSH_RECEIVED), "nr_tlb_remote_flush_received on CPU 1");
        assertEquals(one, m.count(NR_TLB_LOCAL_FLUSH_ONE), "nr_tlb_local_flush_one");
        assertEquals(all, m.count(NR_TLB_LOCAL_FLUSH_ALL), "nr_tlb_local_flush_all");
        assertEquals(m.count(NR_TLB_REMOTE_FLUSH_RECEIVED), m.count(TLB_SHOOTDOWNS), "one TLB shootdown per IPI received");
    }

    @Test
    void munmapOfFourPagesFlushesThemOneByOne() {
        Mmus m = twoCpusRunningA(); // unmap_region(): tlb_finish_mmu(), no page table freed
        m.flushTlbMmRange(0, A, HADDR, HADDR + 4 * K4, PAGE_SHIFT, false);
        expect(m, 1, 1, 4, 0);
    }

    @Test
    void munmapOf256PagesIsAFullFlush() {
        Mmus m = twoCpusRunningA();
        m.flushTlbMmRange(0, A, HADDR, HADDR + 256 * K4, PAGE_SHIFT, false);
        expect(m, 1, 1, 0, 1);
    }

    @Test
    void madvDontneedOfAWholeThpIsOnePmdStride() {
        Mmus m = twoCpusRunningA(); // zap_huge_pmd(): tlb_get_unmap_shift() is PMD_SHIFT
        m.flushTlbMmRange(0, A, HADDR, HADDR + M2, PMD_SHIFT, false);
        expect(m, 1, 1, 1, 0);
    }

    @Test
    void madvDontneedOfA4kPageInsideAThpSplitsThenZaps() {
        Mmus m = twoCpusRunningA();
        m.flushTlbRange(0, A, HADDR, HADDR + M2); // __split_huge_pmd_locked(): pmdp_invalidate()
        m.flushTlbMmRange(0, A, HADDR, HADDR + K4, PAGE_SHIFT, false); // the zap of the 4K page
        expect(m, 2, 2, 1, 1);
    }

    @Test
    void aCowFaultOnA4kPageFlushesThatPage() {
        Mmus m = twoCpusRunningA(); // wp_page_copy(): ptep_clear_flush()
        m.flushTlbPage(0, A, HADDR);
        expect(m, 1, 1, 1, 0);
    }

    @Test
    void aSingleThreadedCowFlushesOnlyItsOwnCpu() {
        Mmus m = new Mmus(MmuPreset.zen4(), 2);
        m.switchMm(0, A);
        m.flushTlbPage(0, A, HADDR);
        expect(m, 0, 0, 1, 0);
    }

    @Test
    void khugepagedOnAnotherCpuShootsDownTheTarget() {
        Mmus m = new Mmus(MmuPreset.zen4(), 2);
        m.switchMm(1, A);
        m.enterLazy(0); // the khugepaged kthread on CPU 0
        m.flushTlbRange(0, A, HADDR, HADDR + M2); // collapse_huge_page(): pmdp_collapse_flush()
        expect(m, 1, 1, 0, 0);
    }

    @Test
    void aBatchedMigrationOfTenPagesIsOneFullShootdown() {
        Mmus m = twoCpusRunningA();
        for (int i = 0; i < 10; i++) {
            m.tlbbatchAddPending(A); // try_to_migrate_one(): set_tlb_ubc_flush_pending()
        }
        m.tlbbatchFlush(0); // try_to_unmap_flush()
        expect(m, 1, 1, 0, 1);
    }

    /** The flushes reach the MMUs: every CPU that ran the mm loses exactly the entries flushed. */
    @Test
    void aShootdownInvalidatesTheEntriesOnEveryCpu() {
        Mmus m = twoCpusRunningA();
        for (int cpu = 0; cpu < 2; cpu++) {
            for (int i = 0; i < 4; i++) {
                m.cpu(cpu).translate(A, HADDR + i * K4, PAGE_SHIFT);
            }
        }
        m.flushTlbPage(1, A, HADDR + K4);
        for (int cpu = 0; cpu < 2; cpu++) {
            Tlb l2 = m.cpu(cpu).l2();
            assertFalse(l2.contains(Tlb.tag(A, HADDR + K4, Tlb.K4K)), "CPU " + cpu);
            assertTrue(l2.contains(Tlb.tag(A, HADDR, Tlb.K4K)), "CPU " + cpu);
        }
        assertEquals(1, m.count(0, TLB_SHOOTDOWNS));
        assertEquals(0, m.count(1, TLB_SHOOTDOWNS));
    }

    /**
     * A lazy CPU is skipped (its TLB is flushed at its next switch back, counted nowhere) unless
     * page tables were freed; then it gets the IPI and leaves the mm for init_mm, and the next
     * flush that reaches it clears it from the mm's cpumask.
     */
    @Test
    void lazyCpusAreSkippedUnlessPageTablesWereFreed() {
        Mmus m = twoCpusRunningA();
        m.cpu(1).translate(A, HADDR, PAGE_SHIFT);
        m.enterLazy(1);
        m.flushTlbPage(0, A, HADDR);
        expect(m, 1, 0, 1, 0);
        assertTrue(m.cpu(1).l2().contains(Tlb.tag(A, HADDR, Tlb.K4K)), "not flushed yet");
        m.switchMm(1, A); // back from lazy: its slot's tlb_gen is stale, the switch flushes
        assertFalse(m.cpu(1).l2().contains(Tlb.tag(A, HADDR, Tlb.K4K)));
        expect(m, 1, 0, 1, 0);

        m.enterLazy(1);
        m.flushTlbRange(0, A, HADDR, HADDR + 4 * K4); // freed_tables: lazy CPUs too
        expect(m, 2, 1, 5, 0);
        assertEquals(0b11, m.cpumask(A), "it switched to init_mm but stays in the mask");
        m.flushTlbRange(0, A, HADDR, HADDR + 4 * K4);
        expect(m, 3, 2, 9, 0);
        assertEquals(0b01, m.cpumask(A), "the wrong-mm CPU cleared itself");
        m.flushTlbPage(0, A, HADDR);
        expect(m, 3, 2, 10, 0); // only CPU 0 left: a local flush
    }

    /** Seven mms on one CPU take its six ASID slots in turn: the first comes back to a new slot and a flush. */
    @Test
    void aSeventhMmTakesAnAsidSlotAndItsOwnerLosesItsEntries() {
        Mmus m = new Mmus(MmuPreset.skylake(), 1);
        for (int mm = 0; mm < 6; mm++) {
            m.switchMm(0, mm);
            m.cpu(0).translate(mm, HADDR, PAGE_SHIFT);
        }
        // Slots 1..5 hold mms 0..4, slot 0 (init_mm's) went to mm 5; mm 0 is still cached.
        m.switchMm(0, 0);
        assertTrue(m.cpu(0).l2().contains(Tlb.tag(0, HADDR, Tlb.K4K)), "PCID switch without a flush");
        m.switchMm(0, 6); // takes slot 1, mm 0's
        assertFalse(m.cpu(0).l2().contains(Tlb.tag(0, HADDR, Tlb.K4K)), "the PCID was reused");
        assertTrue(m.cpu(0).l2().contains(Tlb.tag(1, HADDR, Tlb.K4K)));
        assertEquals(0, m.count(NR_TLB_LOCAL_FLUSH_ALL) + m.count(NR_TLB_REMOTE_FLUSH), "switches count nothing");
    }

    /** should_trim_cpumask(): once a second a shootdown also visits CPUs that left the mm, and they leave the mask. */
    @Test
    void onceASecondAFlushTrimsTheCpumask() {
        Mmus m = twoCpusRunningA();
        m.switchMm(1, 9); // CPU 1 now runs another mm; it stays in A's mask
        m.flushTlbPage(0, A, HADDR);
        expect(m, 1, 0, 1, 0);
        assertEquals(0b11, m.cpumask(A));
        m.setTime(Mmus.TRIM_INTERVAL_NANOS + 1);
        m.flushTlbPage(0, A, HADDR);
        expect(m, 2, 1, 2, 0);
        assertEquals(0b01, m.cpumask(A));
    }

    @Test
    void flushTlbAllIsCountedOnEveryCpu() {
        Mmus m = twoCpusRunningA();
        m.cpu(1).translate(A, HADDR, PAGE_SHIFT);
        m.flushTlbAll(0);
        assertEquals(1, m.count(NR_TLB_REMOTE_FLUSH));
        assertEquals(2, m.count(NR_TLB_REMOTE_FLUSH_RECEIVED), "do_flush_tlb_all() counts on the initiator too");
        assertEquals(0, m.count(TLB_SHOOTDOWNS));
        assertEquals(0, m.cpu(1).l2().size());
    }
}
