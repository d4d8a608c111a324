package org.thplab.mm.core.mm;

import org.thplab.mm.core.kernel.ThpTunables;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.promote.Promotion;
import org.thplab.mm.spi.promote.CollapseTicket;
import org.thplab.mm.spi.promote.PmdScan;
import org.thplab.mm.spi.promote.ScanResult;

/** The collapse mechanisms keep the machine whole, whatever happens between their steps. */
class PromotionTest {

    private static Machine machineWithPages() {
        Machine m = new Machine(256L << 20, 64L << 20, 0, new ThpTunables());
        m.tunables.set("enabled", "madvise");
        m.spawn("p");
        m.mmap("p", "a", 2L << 20);
        m.touch("p", "a", 0, 2L << 20, true);
        return m;
    }

    @Test
    void aPageThatChangedAfterPreparationRollsTheCollapseBack() {
        Machine m = machineWithPages();
        Promotion pr = m.promotion;
        int mm = pr.mmOf("p");
        long haddr = m.tasks.procs.get("p").regions.get("a").start;
        PmdScan scan = pr.scanPmd(mm, haddr, false);
        assertEquals(ScanResult.SCAN_SUCCEED, scan.result());
        CollapseTicket t = pr.prepareCollapse(mm, scan, false);
        assertEquals(ScanResult.SCAN_SUCCEED, t.result());
        long freeWithHugePageTaken = m.buddy.freePages();
        // Between preparation and commit, reclaim pages one page of the range out to swap.
        assertTrue(m.madvise("p", "a", 4096, 4096, Advice.PAGEOUT).ok());
        assertEquals(1, m.stat.get(VmEvent.PSWPOUT));
        pr.lockMmapWrite(mm);
        assertEquals(ScanResult.SCAN_PTE_NON_PRESENT, pr.commitCollapse(t));
        pr.unlockMmapWrite(mm);
        // Rolled back: the huge page is free again, the PTEs are what the process left.
        assertEquals(freeWithHugePageTaken + 512 + 1, m.buddy.freePages());
        assertEquals(0, m.smaps("p", "a", false).get(0).anonHugeKb());
        assertEquals(4, m.smaps("p", "a", false).get(0).swapKb());
        MachineTestSupport.assertSound(m);
    }

    @Test
    void commitNeedsTheMmapLockAndATicketCommitsOnce() {
        Machine m = machineWithPages();
        Promotion pr = m.promotion;
        int mm = pr.mmOf("p");
        long haddr = m.tasks.procs.get("p").regions.get("a").start;
        CollapseTicket t = pr.prepareCollapse(mm, pr.scanPmd(mm, haddr, false), false);
        assertThrows(IllegalStateException.class, () -> pr.commitCollapse(t));
        pr.lockMmapWrite(mm);
        assertThrows(IllegalStateException.class, () -> pr.lockMmapWrite(mm));
        assertEquals(ScanResult.SCAN_SUCCEED, pr.commitCollapse(t));
        assertThrows(IllegalStateException.class, () -> pr.commitCollapse(t));
        pr.unlockMmapWrite(mm);
        assertEquals(2048, m.smaps("p", "a", false).get(0).anonHugeKb());
        MachineTestSupport.assertSound(m);
    }

    @Test
    void anAbortedTicketFreesItsHugePage() {
        Machine m = machineWithPages();
        Promotion pr = m.promotion;
        int mm = pr.mmOf("p");
        long free = m.buddy.freePages();
        CollapseTicket t = pr.prepareCollapse(mm, pr.scanPmd(mm, m.tasks.procs.get("p").regions.get("a").start, false), false);
        assertEquals(free - 512, m.buddy.freePages());
        pr.abortCollapse(t);
        assertEquals(free, m.buddy.freePages());
        MachineTestSupport.assertSound(m);
    }

    @Test
    void khugepagedLimitsApplyOnlyToKhugepaged() {
        Machine m = new Machine(256L << 20, 0, 0, new ThpTunables());
        m.tunables.set("enabled", "madvise");
        m.tunables.set("khugepaged/max_ptes_none", "0");
        m.spawn("p");
        m.mmap("p", "a", 2L << 20);
        m.touch("p", "a", 0, 4096, true);
        Promotion pr = m.promotion;
        long haddr = m.tasks.procs.get("p").regions.get("a").start;
        PmdScan k = pr.scanPmd(pr.mmOf("p"), haddr, true);
        assertEquals(ScanResult.SCAN_EXCEED_NONE_PTE, k.result());
        assertEquals(1, m.stat.get(VmEvent.THP_SCAN_EXCEED_NONE_PTE));
        PmdScan madv = pr.scanPmd(pr.mmOf("p"), haddr, false);
        assertEquals(ScanResult.SCAN_SUCCEED, madv.result());
        assertEquals(511, madv.noneOrZero());
        assertEquals(1, m.stat.get(VmEvent.THP_SCAN_EXCEED_NONE_PTE), "MADV_COLLAPSE counts nothing");
    }
}
