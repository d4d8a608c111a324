package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.SyscallResult;

/**
 * vm.overcommit_memory and Committed_AS: every expected figure is the kernel's arithmetic
 * (__vm_enough_memory(), vm_commit_limit(), init_admin_reserve()/init_user_reserve() of Linux
 * 6.18, and 4.19's OVERCOMMIT_GUESS) worked out here from the machine's size.
 */
class OvercommitTest {
    private static final long G = 1L << 30;
    private static final long M = 1L << 20;

    private static MachineOps machine(long bytes, long swap) {
        MachineOps m = Harness.ops(Harness.runtime());
        m.boot(bytes, swap, 1);
        return m;
    }

    /** totalram_pages(): MemTotal in pages. */
    private static long totalram(MachineOps m) {
        return m.meminfo().get("MemTotal") / 4;
    }

    private static long committedKb(MachineOps m) {
        return m.meminfo().get("Committed_AS");
    }

    /** The boot defaults: min(free_kbytes / 32, 8 MiB) and min(free_kbytes / 32, 128 MiB), in pages. */
    private static long adminReservePages(long freeKbAtBoot) {
        return Math.min(freeKbAtBoot / 32, 8192) >> 2;
    }

    private static long userReservePages(long freeKbAtBoot) {
        return Math.min(freeKbAtBoot / 32, 131072) >> 2;
    }

    @Test
    void neverRefusesPastTheCommitLimitAndChangesNothing() {
        MachineOps m = machine(G, 0);
        long freeKb = m.meminfo().get("MemFree");
        m.sysctl("vm.overcommit_memory", "2");
        long limit = totalram(m) * 50 / 100; // no swap
        assertEquals(limit * 4, m.meminfo().get("CommitLimit"));
        m.spawn("p");
        // total_vm is 0: allowed = limit - admin reserve; the charge must stay below it.
        long allowed = limit - adminReservePages(freeKb);
        SyscallResult r = m.tryMmap("p", "big", allowed * 4096);
        assertEquals(Errno.ENOMEM, r.errno(), r.toString());
        assertEquals(0, committedKb(m), "the refused charge is taken back");
        assertTrue(m.smaps("p", null).isEmpty(), "nothing is mapped");
        assertThrows(MmUsageException.class, () -> m.mmap("p", "big", allowed * 4096), "mmap without a result says so");
        assertTrue(m.tryMmap("p", "big", (allowed - 1) * 4096).ok());
        assertEquals((allowed - 1) * 4, committedKb(m));
        assertEquals(Errno.ENOMEM, m.tryMmap("p", "more", 4096).errno(), "one page more does not fit");
        assertEquals(List.of(), m.check());
    }

    @Test
    void theUserReserveLimitsAProcessThatAlreadyHasMemory() {
        MachineOps m = machine(G, 0);
        long freeKb = m.meminfo().get("MemFree");
        m.sysctl("vm.overcommit_memory", "2");
        long limit = totalram(m) / 2;
        m.spawn("p");
        long first = 64 * M / 4096;
        assertTrue(m.tryMmap("p", "a", first * 4096).ok());
        // The second map is checked with total_vm = first: min(total_vm / 32, user reserve) more is held back.
        long allowed = limit - adminReservePages(freeKb) - Math.min(first / 32, userReservePages(freeKb));
        long fits = allowed - first - 1;
        assertEquals(Errno.ENOMEM, m.tryMmap("p", "b", (fits + 1) * 4096).errno());
        assertTrue(m.tryMmap("p", "b", fits * 4096).ok());
    }

    @Test
    void munmapAndExitGiveTheChargeBack() {
        MachineOps m = machine(G, 0);
        m.spawn("p");
        m.mmap("p", "heap", 64 * M);
        assertEquals(64 * 1024, committedKb(m));
        m.touch("p", "heap", 0, 8 * M, true); // faults charge nothing more
        assertEquals(64 * 1024, committedKb(m));
        m.munmap("p", "heap", 2 * M, 2 * M);
        assertEquals(62 * 1024, committedKb(m), "a partial munmap uncharges the part");
        m.munmap("p", "heap", 0, 4 * M); // over the hole: only the 2 MiB still mapped
        assertEquals(60 * 1024, committedKb(m));
        assertTrue(m.fork("p", "c").ok());
        assertEquals(120 * 1024, committedKb(m), "fork charges the child's VM_ACCOUNT VMAs");
        m.exit("c");
        assertEquals(60 * 1024, committedKb(m));
        m.exit("p");
        assertEquals(0, committedKb(m));
    }

    @Test
    void forkIsRefusedInNeverModeWhenTheChildsChargeDoesNotFit() {
        MachineOps m = machine(G, 0);
        long freeKb = m.meminfo().get("MemFree");
        m.sysctl("vm.overcommit_memory", "2");
        long limit = totalram(m) / 2;
        // dup_mmap() checks against the parent's mm: total_vm = r; the charge is 2r with the child's.
        long r = 0;
        for (long x = limit; x > 0; x--) {
            if (2 * x < limit - adminReservePages(freeKb) - Math.min(x / 32, userReservePages(freeKb))) {
                r = x;
                break;
            }
        }
        m.spawn("p");
        assertTrue(m.tryMmap("p", "a", r * 4096).ok());
        assertTrue(m.fork("p", "fits").ok(), "the largest region whose copy fits");
        m.exit("fits");
        m.munmap("p", "a", 0, -1);
        assertTrue(m.tryMmap("p", "a", (r + 1) * 4096).ok());
        List<String> before = m.processes();
        SyscallResult f = m.fork("p", "child");
        assertEquals(Errno.ENOMEM, f.errno(), f.toString());
        assertEquals(before, m.processes(), "no child");
        assertEquals((r + 1) * 4, committedKb(m), "the child's charges are taken back");
        assertEquals(List.of(), m.check());
    }

    @Test
    void alwaysNeverRefuses() {
        MachineOps m = machine(G, 0);
        m.sysctl("vm.overcommit_memory", "1");
        m.spawn("p");
        assertTrue(m.tryMmap("p", "huge", 64 * G).ok());
        assertTrue(m.fork("p", "c").ok());
        assertEquals(2 * 64 * G / 1024, committedKb(m));
    }

    @Test
    void guessRefusesOnlyASingleMapBeyondRamPlusSwap() {
        MachineOps m = machine(G, 256 * M);
        long ramPlusSwap = totalram(m) + 256 * M / 4096;
        m.spawn("p");
        assertEquals(Errno.ENOMEM, m.tryMmap("p", "a", (ramPlusSwap + 1) * 4096).errno());
        assertEquals(0, committedKb(m));
        assertTrue(m.tryMmap("p", "a", ramPlusSwap * 4096).ok());
        assertTrue(m.tryMmap("p", "b", ramPlusSwap * 4096).ok(), "6.18 compares each request alone");
        assertTrue(m.fork("p", "c").ok());
        assertEquals(4 * ramPlusSwap * 4, committedKb(m));
    }

    /**
     * __setup_per_zone_wmarks() of the one zone of this many frames: the high watermark, from
     * min_free_kbytes as the machine reads it (THP's recommendation raises it: MinFreeKbytesTest).
     */
    private static long highWatermark(MachineOps m, long frames) {
        long min = Long.parseLong(m.sysctl().get("vm.min_free_kbytes")) / 4;
        return min + 2 * Math.max(min / 4, frames * 10 / 10000);
    }

    @Test
    void theHeuristicOf419RefusesBeyondFreeMemory() {
        MachineOps m = machine(G, 64 * M);
        long freeKbAtBoot = m.meminfo().get("MemFree");
        m.sysctl("thplab.overcommit_guess_heuristic", "4.19");
        m.spawn("p");
        m.mmap("p", "used", 256 * M);
        m.touch("p", "used", 0, 256 * M, true);
        Map<String, Long> mi = m.meminfo();
        long totalreserve = Math.min(highWatermark(m, G / 4096), totalram(m));
        long free = (mi.get("MemFree") + mi.get("SwapFree")) / 4 - totalreserve - adminReservePages(freeKbAtBoot);
        assertEquals(Errno.ENOMEM, m.tryMmap("p", "b", free * 4096).errno(), "free must exceed the request");
        assertTrue(m.tryMmap("p", "b", (free - 1) * 4096).ok());
        // 6.18's GUESS lets the same request through whatever is free.
        m.munmap("p", "b", 0, -1);
        m.sysctl("thplab.overcommit_guess_heuristic", "6.18");
        assertTrue(m.tryMmap("p", "b", totalram(m) * 4096).ok());
    }

    @Test
    void theRfcCountsUnusedReservedPagesAsFreeIn419() {
        // The reservation RFC's mm/util.c hunk: free += NR_THP_RESERVED in OVERCOMMIT_GUESS.
        var rt = Harness.runtime();
        rt.defaultMachine().policyAdmin().usePolicy("fault", "reservation");
        MachineOps m = Harness.ops(rt);
        m.boot(G, 0, 1);
        long freeKbAtBoot = m.meminfo().get("MemFree");
        m.sysctl("thplab.overcommit_guess_heuristic", "4.19");
        m.spawn("p");
        m.mmap("p", "r", 256 * M);
        for (long off = 0; off < 256 * M; off += 2 * M) {
            m.touch("p", "r", off, 4096, true); // one page of each 2 MiB: a reservation each
        }
        long reserved = m.vmstat().get("nr_thp_reserved");
        assertTrue(reserved > 100 * 511, "most regions hold a reservation: " + reserved);
        long totalreserve = Math.min(highWatermark(m, G / 4096), totalram(m));
        long free = m.meminfo().get("MemFree") / 4 + reserved - totalreserve - adminReservePages(freeKbAtBoot);
        assertEquals(Errno.ENOMEM, m.tryMmap("p", "b", free * 4096).errno(), "free must exceed the request");
        assertTrue(m.tryMmap("p", "b", (free - 1) * 4096).ok(), "the reserved pages count as free");
    }

    @Test
    void ratioAndKbytesExcludeEachOther() {
        MachineOps m = machine(G, 64 * M);
        long swapPages = 64 * M / 4096;
        m.sysctl("vm.overcommit_kbytes", "100002");
        assertEquals("0", m.sysctl().get("vm.overcommit_ratio"));
        assertEquals((100002 >> 2) * 4 + swapPages * 4, m.meminfo().get("CommitLimit"));
        m.sysctl("vm.overcommit_ratio", "80");
        assertEquals("0", m.sysctl().get("vm.overcommit_kbytes"));
        assertEquals((totalram(m) * 80 / 100 + swapPages) * 4, m.meminfo().get("CommitLimit"));
        m.sysctl("vm.overcommit_kbytes", "0"); // the handler zeroes the ratio whatever is written
        assertEquals("0", m.sysctl().get("vm.overcommit_ratio"));
        assertEquals(swapPages * 4, m.meminfo().get("CommitLimit"));
    }

    @Test
    void badNamesAndValuesChangeNothing() {
        MachineOps m = machine(G, 0);
        Map<String, String> before = m.sysctl();
        for (String[] nv : new String[][] {{"vm.overcommit_memory", "3"}, {"vm.overcommit_memory", "-1"},
            {"vm.overcommit_memory", "x"}, {"vm.overcommit_ratio", "-5"}, {"vm.overcommit_kbytes", "1.5"},
            {"vm.admin_reserve_kbytes", ""}, {"vm.nr_hugepages", "1"}, {"thplab.overcommit_guess_heuristic", "5.1"}}) {
            MmUsageException e = assertThrows(MmUsageException.class, () -> m.sysctl(nv[0], nv[1]), String.join("=", nv));
            assertTrue(e.getMessage().contains(nv[0]) || e.getMessage().contains("no knob"), e.getMessage());
        }
        assertEquals(before, m.sysctl());
    }

    @Test
    void theKnobsOutliveABootAndTheReservesFollowTheMachine() {
        MachineOps m = machine(64 * M, 0);
        long freeKb = m.meminfo().get("MemFree");
        assertEquals(Long.toString(Math.min(freeKb / 32, 8192)), m.sysctl().get("vm.admin_reserve_kbytes"));
        assertEquals(Long.toString(Math.min(freeKb / 32, 131072)), m.sysctl().get("vm.user_reserve_kbytes"));
        m.sysctl("vm.overcommit_memory", "2");
        m.sysctl("vm.user_reserve_kbytes", "1000");
        m.boot(8 * G, 0, 1);
        long freeKb8 = m.meminfo().get("MemFree");
        assertEquals("2", m.sysctl().get("vm.overcommit_memory"));
        assertEquals("1000", m.sysctl().get("vm.user_reserve_kbytes"), "a written reserve stays");
        assertEquals(Long.toString(Math.min(freeKb8 / 32, 8192)), m.sysctl().get("vm.admin_reserve_kbytes"));
        assertEquals(0, committedKb(m), "a fresh machine has committed nothing");
    }

    @Test
    void meminfoShowsCommitLimitAndCommittedAsWhereTheKernelDoes() {
        // meminfo_proc_show()'s order (this box's /proc/meminfo): the commit lines after
        // PageTables, HardwareCorrupted and AnonHugePages after them.
        MachineOps m = machine(G, 0);
        assertEquals(List.of("MemTotal", "MemFree", "MemAvailable", "SwapTotal", "SwapFree", "AnonPages", "PageTables", "CommitLimit",
                "Committed_AS", "HardwareCorrupted", "AnonHugePages"), new ArrayList<>(m.meminfo().keySet()));
    }

    @Test
    void refusalsAreLoggedAtMostTenIn5Seconds() {
        MachineOps m = machine(G, 0);
        m.spawn("p");
        for (int i = 0; i < 12; i++) {
            assertEquals(Errno.ENOMEM, m.tryMmap("p", "wild", 2 * G).errno());
        }
        List<String> log = m.dmesg();
        assertEquals(10, log.size(), log.toString());
        assertTrue(log.get(0).endsWith("__vm_enough_memory: pid: 1, comm: p, bytes: " + 2 * G + " not enough memory for the allocation"),
                log.get(0));
        m.tick(5_000_000_000L); // DEFAULT_RATELIMIT_INTERVAL
        assertEquals(Errno.ENOMEM, m.tryMmap("p", "wild", 2 * G).errno());
        log = m.dmesg();
        assertEquals(12, log.size());
        assertTrue(log.get(10).endsWith("__vm_enough_memory: 2 callbacks suppressed"), log.get(10));
    }
}
