package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;

/**
 * /proc/PID/status's memory lines. The figures of the first test are what Linux 6.18 on the
 * reference box showed for the same steps (a C program reading its own status after each, the
 * changes from before the mmap; enabled=madvise): VmHWM and VmPeak keep the highest RSS and
 * size, MADV_DONTNEED gives back the PTE tables it empties (6.18's PT_RECLAIM), a THP is charged
 * its deposited table, and a forked child starts with its own peaks at what it has. The program
 * mapped at 0x500000000000 (MAP_FIXED_NOREPLACE), a 512 GiB none of its mappings used yet, as a
 * thplab process's first mapping is: its VmPTE includes the new PUD and PMD tables, 8 kB.
 */
class StatusTest {
    private static final long M = 1L << 20;

    private static long kb(MachineOps m, String proc, String line) {
        return m.status(proc).get(line);
    }

    private static MachineOps machine() {
        MachineOps m = Harness.ops(Harness.runtime());
        m.boot(1L << 30, 0, 1);
        m.sysfs("enabled", "madvise");
        m.spawn("p");
        m.mmap("p", "heap", 64 * M);
        return m;
    }

    @Test
    void theLinesMoveAsTheKernelsDid() {
        MachineOps m = machine();
        m.madvise("p", "heap", 0, 64 * M, Advice.NOHUGEPAGE);
        m.touch("p", "heap", 0, 32 * M, true);
        assertEquals(List.of(32768L, 32768L, 72L), List.of(kb(m, "p", "VmHWM"), kb(m, "p", "RssAnon"), kb(m, "p", "VmPTE")));
        m.madvise("p", "heap", 32 * M, 32 * M, Advice.HUGEPAGE);
        m.touch("p", "heap", 32 * M, 32 * M, true);
        assertEquals(List.of(65536L, 65536L, 136L), List.of(kb(m, "p", "VmHWM"), kb(m, "p", "RssAnon"), kb(m, "p", "VmPTE")));
        m.madvise("p", "heap", 0, 16 * M, Advice.DONTNEED);
        assertEquals(List.of(65536L, 49152L, 104L), List.of(kb(m, "p", "VmHWM"), kb(m, "p", "VmRSS"), kb(m, "p", "VmPTE")));
        m.touch("p", "heap", 0, 8 * M, true);
        assertEquals(List.of(65536L, 57344L, 120L), List.of(kb(m, "p", "VmHWM"), kb(m, "p", "VmRSS"), kb(m, "p", "VmPTE")));
        m.munmap("p", "heap", 32 * M, 16 * M);
        assertEquals(List.of(65536L, 49152L, 49152L, 65536L, 40960L, 88L), List.of(kb(m, "p", "VmPeak"), kb(m, "p", "VmSize"),
                kb(m, "p", "VmData"), kb(m, "p", "VmHWM"), kb(m, "p", "VmRSS"), kb(m, "p", "VmPTE")));
        assertTrue(m.fork("p", "c").ok());
        assertEquals(List.of(49152L, 40960L, 40960L, 88L), List.of(kb(m, "c", "VmPeak"), kb(m, "c", "VmHWM"), kb(m, "c", "RssAnon"),
                kb(m, "c", "VmPTE")));
        m.touch("c", "heap", 16 * M, 8 * M, true); // copy on write: the child's RSS stays
        assertEquals(40960L, kb(m, "c", "VmRSS"));
    }

    /**
     * A PMD table per GiB and a PUD table per 512 GiB, freed when no VMA covers any of their range
     * (free_pgtables()): Linux 6.18 showed these changes for the same two 1 GiB mappings at
     * 0x500000000000 and 0x500040200000 (the second spans two GiBs), touched with base pages.
     */
    @Test
    void pmdAndPudTablesComeAndGoWithTheRangeTheyCover() {
        MachineOps m = Harness.ops(Harness.runtime());
        m.boot(4L << 30, 0, 1);
        m.sysfs("enabled", "never");
        m.spawn("p");
        m.mmap("p", "a", 1L << 30);
        m.mmap("p", "b", 1L << 30);
        m.touch("p", "a", 0, 1L << 30, true);
        assertEquals(2048L + 4 + 4, kb(m, "p", "VmPTE"));
        m.touch("p", "b", 0, 1L << 30, true);
        assertEquals(4112L, kb(m, "p", "VmPTE"));
        long tables = m.meminfo().get("PageTables");
        m.munmap("p", "a", 0, 1L << 30);
        assertEquals(2060L, kb(m, "p", "VmPTE")); // a's PTE tables and its GiB's PMD table; the PUD table serves b
        assertEquals(tables - 2052, m.meminfo().get("PageTables"));
        m.munmap("p", "b", 512 * M, 512 * M);
        assertEquals(1032L, kb(m, "p", "VmPTE")); // the last GiB's PMD table goes with its 2 MiB of b
        m.munmap("p", "b", 0, 512 * M);
        assertEquals(0L, kb(m, "p", "VmPTE"));
        assertEquals(tables - 4112, m.meminfo().get("PageTables"));
    }

    @Test
    void reclaimLowersTheRssAndNotTheHighWaterMarkAndSwapShowsAsVmSwap() {
        MachineOps m = Harness.ops(Harness.runtime());
        m.boot(1L << 30, 256 * M, 1);
        m.sysfs("enabled", "never");
        m.spawn("p");
        m.mmap("p", "heap", 8 * M);
        m.touch("p", "heap", 0, 8 * M, true);
        assertTrue(m.madvise("p", "heap", 0, 4 * M, Advice.PAGEOUT).ok());
        Map<String, Long> s = m.status("p");
        assertEquals(8192L, s.get("VmHWM"), s.toString());
        assertEquals(4096L, s.get("VmRSS"), s.toString());
        assertEquals(4096L, s.get("VmSwap"), s.toString());
        m.touch("p", "heap", 0, 2 * M, true); // swapped back in: RSS up, swap down, the mark where it was
        s = m.status("p");
        assertEquals(List.of(8192L, 6144L, 2048L), List.of(s.get("VmHWM"), s.get("VmRSS"), s.get("VmSwap")), s.toString());
    }

    @Test
    void theKernelsOrderAndItsFlags() {
        Map<String, Long> s = machine().status("p");
        assertEquals(List.of("VmPeak", "VmSize", "VmLck", "VmPin", "VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmData",
                "VmStk", "VmExe", "VmLib", "VmPTE", "VmSwap", "HugetlbPages", "CoreDumping", "THP_enabled"), List.copyOf(s.keySet()));
        assertEquals(1L, s.get("THP_enabled"));
        MmUsageException e = assertThrows(MmUsageException.class, () -> machine().status("nobody"));
        assertTrue(e.getMessage().contains("nobody"), e.getMessage());
    }
}
