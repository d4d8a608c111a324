package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SmapsEntry;

/**
 * /proc/PID/smaps as Linux 6.18's smaps_account() adds it up. The figures follow from the
 * kernel's rules (a folio referenced once is private and whole in Pss; a page mapped n times is
 * shared and counts (4096 << 12) / n in Pss's fixed point; fork's child maps old entries; the zero
 * pages are not resident), and the first scenario's were read on Linux 6.18 from a C program doing
 * the same (docs/model.md).
 */
class SmapsTest {
    static final long K = 1024;
    static final long M = 1L << 20;

    private static SmapsEntry smaps(MachineOps mm, String proc) {
        var es = mm.smaps(proc, "r");
        assertEquals(1, es.size(), es.toString());
        return es.get(0);
    }

    /** Rss, Pss, Pss_Dirty, Shared_Clean, Shared_Dirty, Private_Clean, Private_Dirty, Referenced, Anonymous, AnonHugePages. */
    private static void expect(SmapsEntry e, long... kb) {
        long[] got = {e.rssKb(), e.pssKb(), e.pssDirtyKb(), e.sharedCleanKb(), e.sharedDirtyKb(), e.privateCleanKb(),
            e.privateDirtyKb(), e.referencedKb(), e.anonymousKb(), e.anonHugeKb()};
        assertEquals(java.util.Arrays.toString(kb), java.util.Arrays.toString(got), e.toString());
    }

    @Test
    void thpsAfterForkAreSharedAndTheChildsEntriesOld() {
        MachineOps mm = Booted.machine(256 * M, "-khugepaged");
        mm.sysfs("enabled", "always");
        mm.spawn("p");
        mm.mmap("p", "r", 6 * M);
        mm.touch("p", "r", 0, 4 * K, true);          // THP 0
        mm.touch("p", "r", 2 * M, 4 * K, false);     // the huge zero page: not resident
        mm.touch("p", "r", 4 * M, 64 * K, true);     // THP 2
        expect(smaps(mm, "p"), 4096, 4096, 4096, 0, 0, 0, 4096, 4096, 4096, 4096);
        assertTrue(mm.fork("p", "c").ok());
        // Each page mapped twice: shared, half in Pss; the child's PMDs are old (pmd_mkold()).
        expect(smaps(mm, "c"), 4096, 2048, 2048, 0, 4096, 0, 0, 0, 4096, 4096);
        expect(smaps(mm, "p"), 4096, 2048, 2048, 0, 4096, 0, 0, 4096, 4096, 4096);
        // The child's write splits its PMD of THP 0 and copies one page (cow-pte): that page is
        // private and young, the other 511 PTEs old and still shared with the parent's PMD.
        mm.touch("c", "r", 0, 4 * K, true);
        expect(smaps(mm, "c"), 4096, 4 + 4092 / 2, 4 + 4092 / 2, 0, 4092, 0, 4, 4, 4096, 2048);
        mm.exit("c");
        expect(smaps(mm, "p"), 4096, 4096, 4096, 0, 0, 0, 4096, 4096, 4096, 4096);
    }

    @Test
    void basePagesMappedThreeTimesRoundAsTheKernelsFixedPoint() {
        MachineOps mm = Booted.machine(256 * M, "-khugepaged");
        mm.spawn("p");
        mm.mmap("p", "r", 2 * M);
        mm.madvise("p", "r", 0, 2 * M, Advice.NOHUGEPAGE);
        mm.touch("p", "r", 0, 32 * K, true);         // 8 base pages
        mm.touch("p", "r", 100 * 4 * K, 4 * K, false); // the zero page: not resident
        expect(smaps(mm, "p"), 32, 32, 32, 0, 0, 0, 32, 32, 32, 0);
        assertTrue(mm.fork("p", "c").ok());
        assertTrue(mm.fork("p", "d").ok());
        // 8 x (4096 << 12) / 3 = 8 x 5592405 in the fixed point: 10922 bytes, 10 kB.
        long pss = 8 * ((4096L << 12) / 3) >> 12 >> 10;
        assertEquals(10, pss);
        expect(smaps(mm, "d"), 32, pss, pss, 0, 32, 0, 0, 0, 32, 0);
        // A write in d copies one page: d's copy is private; the original is mapped twice now.
        mm.touch("d", "r", 0, 4 * K, true);
        long shared = ((4096L << 12) / 3 * 7 >> 12 >> 10);
        expect(smaps(mm, "p"), 32, (((4096L << 12) / 2) + ((4096L << 12) / 3) * 7 >> 12 >> 10),
                (((4096L << 12) / 2) + ((4096L << 12) / 3) * 7 >> 12 >> 10), 0, 32, 0, 0, 32, 32, 0);
        expect(smaps(mm, "d"), 32, 4 + shared, 4 + shared, 0, 28, 0, 4, 4, 32, 0);
    }

    @Test
    void theRollupAddsUpBeforeItRounds() {
        MachineOps mm = Booted.machine(256 * M, "-khugepaged");
        mm.spawn("p");
        mm.mmap("p", "r", 2 * M);
        mm.mmap("p", "s", 2 * M);
        for (String r : new String[] {"r", "s"}) {
            mm.madvise("p", r, 0, 2 * M, Advice.NOHUGEPAGE);
            mm.touch("p", r, 0, 4 * K, true);
        }
        assertTrue(mm.fork("p", "c").ok());
        assertTrue(mm.fork("p", "d").ok());
        // One page per region, mapped three times: 1365.33 bytes of Pss each, 1 kB per VMA in
        // smaps, but 2730 bytes, 2 kB, in the rollup.
        assertEquals(1, smaps(mm, "d").pssKb());
        SmapsEntry roll = mm.smapsRollup("d");
        assertEquals(2 * ((4096L << 12) / 3) >> 22, roll.pssKb());
        assertEquals(2, roll.pssKb());
        assertEquals(8, roll.rssKb());
        assertEquals(8, roll.sharedDirtyKb());
        var vmas = mm.smaps("d", null);
        assertEquals(vmas.get(0).start(), roll.start());
        assertEquals(vmas.get(vmas.size() - 1).end(), roll.end());
        mm.spawn("e");
        assertEquals(0, mm.smapsRollup("e").end(), "no VMA: 0 to 0, as the kernel's empty_set");
    }

    @Test
    void aSwapSlotSharedAfterForkCountsHalfInSwapPss() {
        MmRuntime rt = new MmRuntime();
        org.thplab.embedded.BundledPolicies.register(rt::register);
        rt.defaultMachine().policyAdmin().usePolicy("promotion", "-khugepaged");
        MachineOps mm = rt.defaultMachine().ops();
        mm.boot(256 * M, 64 * M, 0);
        mm.spawn("p");
        mm.mmap("p", "r", 2 * M);
        mm.madvise("p", "r", 0, 2 * M, Advice.NOHUGEPAGE);
        mm.touch("p", "r", 0, 16 * K, true);
        // MADV_PAGEOUT writes the four pages to swap, one slot each, referenced once.
        assertTrue(mm.madvise("p", "r", 0, 16 * K, Advice.PAGEOUT).ok());
        SmapsEntry e = smaps(mm, "p");
        assertEquals(0, e.rssKb(), e.toString());
        assertEquals(16, e.swapKb());
        assertEquals(16, e.swapPssKb());
        // A fork now shares the four slots: each process's SwapPss is half its Swap.
        assertTrue(mm.fork("p", "c").ok());
        assertEquals(16, smaps(mm, "c").swapKb());
        assertEquals(8, smaps(mm, "c").swapPssKb());
        assertEquals(8, smaps(mm, "p").swapPssKb());
        assertEquals(0, mm.verify("p", "r"));
        assertEquals(0, mm.verify("c", "r"));
    }
}
