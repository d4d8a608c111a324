package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.SyscallResult;

/**
 * The OOM killer as mm/oom_kill.c chooses: oom_badness() counts RSS, swap entries and page-table
 * pages; on a tie the later process wins; fork's page tables invoke it too; the fault that
 * invoked it is retried and counted once. Base pages only (enabled=never), no reclaimable memory
 * but what swap takes, so every figure follows from the sizes.
 */
class OomKillerTest {

    static final long M = 1L << 20;

    /** The runtime with the bundled policies. */
    private static MmRuntime runtime() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        return rt;
    }

    /** Boots the default machine with base pages only. */
    private static void boot(MachineOps mm, long bytes, long swap) {
        mm.sysfs("enabled", "never");
        mm.boot(bytes, swap, 0);
    }

    /** The runtime's default machine, to look at it between operations without settling anything. */
    private static org.thplab.mm.core.mm.Machine machineOf(MmRuntime rt) {
        return rt.core("default");
    }

    /** Writes region r of {@code proc} a page at a time until at most {@code freePages} are free. */
    private static void fillPageByPage(MachineOps mm, String proc, long freePages) {
        for (long off = 0; mm.meminfo().get("MemFree") > 4 * freePages; off += 4096) {
            assertTrue(mm.touch(proc, "r", off, 4096, true).ok());
        }
    }

    @Test
    void swapEntriesCountTowardsBadness() {
        MmRuntime rt = runtime();
        MachineOps mm = rt.defaultMachine().ops();
        boot(mm, 64 * M, 16 * M);
        mm.spawn("a");
        mm.mmap("a", "r", 24 * M);
        mm.touch("a", "r", 0, 24 * M, true); // badness 6144 + 12 page tables
        mm.spawn("b");
        mm.mmap("b", "r", 36 * M);
        mm.touch("b", "r", 0, 16 * M, true);
        assertTrue(mm.madvise("b", "r", 0, 16 * M, Advice.PAGEOUT).ok()); // the swap device is full now
        mm.touch("b", "r", 16 * M, 20 * M, true); // badness 5120 resident + 4096 swapped + 18 tables
        assertEquals(0, mm.vmstat().get("oom_kill"));
        mm.spawn("c");
        mm.mmap("c", "r", 32 * M);
        long faults = mm.vmstat().get("pgfault");
        SyscallResult r = mm.touch("c", "r", 0, 32L << 20, true);
        // RSS alone would pick a (6144 > 5120); with its swap entries b has the most.
        assertTrue(r.ok(), r.toString());
        assertEquals(1, mm.vmstat().get("oom_kill"));
        assertEquals(List.of("a", "c"), mm.processes());
        // The fault that invoked the killer was retried within itself: one fault per page.
        assertEquals(8192, mm.vmstat().get("pgfault") - faults);
        assertEquals(0, mm.verify("a", "r"));
        assertEquals(0, mm.verify("c", "r"));
        assertEquals(List.of(), mm.check());
        String log = String.join("\n", mm.dmesg());
        assertTrue(log.contains("c invoked oom-killer"), log);
        assertTrue(log.contains("Out of memory: Killed process 2 (b) total-vm:36864kB, anon-rss:20480kB"), log);
    }

    @Test
    void onATieTheLaterProcessIsKilledAndTheFaultingOneWhenItIsTheBiggest() {
        MmRuntime rt = runtime();
        MachineOps mm = rt.defaultMachine().ops();
        boot(mm, 64 * M, 0);
        for (String p : List.of("t1", "t2")) {
            mm.spawn(p);
            mm.mmap(p, "r", 24 * M);
            mm.touch(p, "r", 0, 24 * M, true); // badness 6144 + 12 page tables
        }
        mm.spawn("f");
        mm.mmap("f", "r", 28 * M);
        assertTrue(mm.touch("f", "r", 0, 28L << 20, true).ok()); // at ~13M f runs out of memory
        assertEquals(List.of("t1", "f"), mm.processes(), "t1 and t2 tie; oom_evaluate_task() keeps the later");
        // Now f has the most: the next fault it cannot serve kills f itself.
        mm.mmap("f", "s", 40 * M);
        SyscallResult r = mm.touch("f", "s", 0, 40L << 20, true);
        assertEquals(Errno.SIGKILL, r.errno(), r.toString());
        assertEquals(List.of("t1"), mm.processes());
        assertEquals(2, mm.vmstat().get("oom_kill"));
        assertEquals(List.of(), mm.check());
    }

    @Test
    void forksPageTablesInvokeTheKillerAndTheForkThenSucceeds() {
        MmRuntime rt = runtime();
        MachineOps mm = rt.defaultMachine().ops();
        boot(mm, 64 * M, 0);
        // 256 page tables with one page each: the child needs 256 new tables.
        mm.spawn("parent");
        mm.sysctl("vm.overcommit_memory", "1"); // more than RAM: OVERCOMMIT_GUESS would refuse the map
        mm.mmap("parent", "r", 512 * M);
        for (long off = 0; off < 512L << 20; off += 2L << 20) {
            mm.touch("parent", "r", off, 4096, true);
        }
        // Another process takes base pages down to the min watermark, which user pages respect
        // and page tables may dip below (by half).
        mm.spawn("other");
        mm.mmap("other", "r", 60 * M);
        fillPageByPage(mm, "other", Long.parseLong(mm.sysctl().get("vm.min_free_kbytes")) / 4 + 1); // to WMARK_MIN
        assertEquals(0, mm.vmstat().get("oom_kill"));
        SyscallResult r = mm.fork("parent", "child");
        assertTrue(r.ok(), r.toString());
        assertEquals(1, mm.vmstat().get("oom_kill"));
        assertEquals(List.of("parent", "child"), mm.processes());
        assertEquals(0, mm.verify("child", "r"));
        assertEquals(List.of(), mm.check());
        assertFalse(String.join("\n", mm.dmesg()).contains("Killed process 1 "), "not the parent");
    }

    @Test
    void theRetryAfterAKillDoesNotAskTheFaultPolicyAgainOnceATHPFellBack() {
        MmRuntime rt = runtime();
        MachineOps mm = rt.defaultMachine().ops();
        // khugepaged would wake as f enters its empty list and collapse f's page once the kill
        // freed memory; this test is about the fault's retry
        rt.defaultMachine().policyAdmin().usePolicy("promotion", "-khugepaged");
        boot(mm, 64 * M, 0);
        mm.sysfs("enabled", "always");
        mm.sysfs("defrag", "never"); // no compaction: the THP fails for want of a free block
        drainToHalfMin(mm);
        mm.mmap("f", "h", 2 * M);
        assertTrue(mm.madvise("f", "h", 0, 2 * M, Advice.HUGEPAGE).ok());
        long thp = mm.vmstat().get("thp_fault_alloc");
        long fallback = mm.vmstat().get("thp_fault_fallback");
        // The THP fails (no order-9 block), its fallback's page table fails (at min/2): the OOM
        // killer takes other, and the allocation is retried: a base page, as in the kernel
        // (pte_alloc() retries inside the allocator; the THP decision is not taken again). (Had
        // the THP been had and its deposited table failed, the policy's own allocation is what
        // is retried: __do_huge_pmd_anonymous_page() returns VM_FAULT_OOM, it does not fall back.)
        assertTrue(mm.touch("f", "h", 0, 4096, true).ok());
        assertEquals(1, mm.vmstat().get("oom_kill"));
        assertEquals(thp, mm.vmstat().get("thp_fault_alloc"), () -> mm.vmstat().toString() + String.join("\n", mm.dmesg()));
        assertEquals(fallback + 1, mm.vmstat().get("thp_fault_fallback"));
        assertEquals(0, mm.smaps("f", "h").get(0).anonHugeKb());
        assertTrue(String.join("\n", mm.dmesg()).contains("f invoked oom-killer: gfp_mask=0x400dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO)"));
        assertEquals(List.of(), mm.check());
    }

    /**
     * Fills memory with other's base pages to the min watermark, then takes page tables down to
     * min/2: forks of parent (its PUD, PMD and one PTE table: three pages each), then read faults
     * of reader on the zero page (one PTE table each). Process f has a PMD table already (a read
     * of its region pre), so that its first fault in a new region of that GiB needs one table only.
     */
    private static void drainToHalfMin(MachineOps mm) {
        spawnWithOnePage(mm, "f", "pre", 2 * M, false);
        spawnWithOnePage(mm, "parent", "r", 2 * M, true);
        spawnWithOnePage(mm, "reader", "r", 8 * M, false);
        mm.spawn("other");
        mm.mmap("other", "r", 62 * M);
        mm.madvise("other", "r", 0, 62 * M, Advice.NOHUGEPAGE);
        // The min watermark as set_recommended_min_free_kbytes() left it: user pages stop there.
        long min = Long.parseLong(mm.sysctl().get("vm.min_free_kbytes")) / 4;
        fillPageByPage(mm, "other", min + 2);
        // Page tables may dip to min/2.
        for (int children = 0; mm.meminfo().get("MemFree") >= 4 * (min / 2 + 3); children++) {
            assertTrue(mm.fork("parent", "c" + children).ok());
        }
        for (long off = 2 * M; mm.meminfo().get("MemFree") > 4 * (min / 2); off += 2 * M) {
            assertTrue(mm.touch("reader", "r", off, 4096, false).ok());
        }
        assertEquals(4 * (min / 2), mm.meminfo().get("MemFree"));
        assertEquals(0, mm.vmstat().get("oom_kill"), () -> String.join("\n", mm.dmesg()));
    }

    /** A process whose region of base pages has its first page touched: a PUD, a PMD and a PTE table. */
    private static void spawnWithOnePage(MachineOps mm, String proc, String region, long size, boolean write) {
        mm.spawn(proc);
        mm.mmap(proc, region, size);
        mm.madvise(proc, region, 0, size, Advice.NOHUGEPAGE);
        assertTrue(mm.touch(proc, region, 0, 4096, write).ok());
    }

    @Test
    void aPolicyWhoseOwnTableFailedIsAskedAgainAfterTheKill() {
        MmRuntime rt = runtime();
        MachineOps mm = rt.defaultMachine().ops();
        boot(mm, 64 * M, 0);
        mm.sysfs("enabled", "always");
        mm.sysfs("use_zero_page", "1");
        // The huge zero page exists (a read fault of z maps it) before memory runs short.
        mm.spawn("z");
        mm.mmap("z", "r", 2 * M);
        assertTrue(mm.touch("z", "r", 0, 4096, false).ok());
        assertEquals(1, mm.vmstat().get("thp_zero_page_alloc"));
        drainToHalfMin(mm);
        mm.mmap("f", "h", 2 * M);
        // A read fault maps the huge zero page, but its deposited page table fails (at min/2):
        // do_huge_pmd_anonymous_page() returns VM_FAULT_OOM (it does not fall back), the OOM
        // killer takes other, and the same path is taken again: the huge zero page, by a PMD.
        assertTrue(mm.touch("f", "h", 0, 4096, false).ok());
        assertEquals(1, mm.vmstat().get("oom_kill"));
        // A write then replaces the huge zero PMD by a new THP (do_huge_zero_wp_pmd(), since 6.13:
        // the kill left memory for it), which a write to a 4 KiB zero PTE would not get.
        long allocs = mm.vmstat().get("thp_fault_alloc");
        assertTrue(mm.touch("f", "h", 0, 4096, true).ok());
        assertEquals(allocs + 1, mm.vmstat().get("thp_fault_alloc"), "the huge zero page was mapped by a PMD");
        assertEquals(0, mm.verify("f", "h"));
        assertEquals(List.of(), mm.check());
    }

    /** With {@code policy} selected for {@code kind}, one write fault on a machine with memory free. */
    private static void failsWithoutKilling(String kind, Object policy) {
        MmRuntime rt = runtime();
        MachineOps mm = rt.defaultMachine().ops();
        PolicyAdmin policies = rt.defaultMachine().policyAdmin();
        rt.register(kind, "misbehaves", policy);
        boot(mm, 64 * M, 0);
        policies.usePolicy(kind, "misbehaves");
        mm.spawn("a");
        mm.mmap("a", "r", 4 * M);
        SyscallResult r = mm.touch("a", "r", 0, 4096, true);
        assertEquals(Errno.ENOMEM, r.errno(), r.toString());
        assertEquals(0, mm.vmstat().get("oom_kill"));
        assertEquals(List.of("a"), mm.processes());
        assertEquals(List.of(), mm.check());
    }

    @Test
    void anAllocationPolicyRefusingWithMemoryFreeKillsNobody() {
        failsWithoutKilling(org.thplab.mm.spi.Policies.KIND_ALLOCATION,
                (org.thplab.mm.spi.alloc.AllocationPolicy) (req, mem) -> req.order() == 0 && req.purpose() == org.thplab.mm.spi.alloc.AllocPurpose.FAULT_BASE
                        ? -1 : mem.takeFree(req.order(), org.thplab.mm.spi.alloc.PhysicalMemory.WMARK_MIN));
    }

    @Test
    void aPolicyAnsweringOomWithMemoryFreeFailsTheAccessButKillsNobody() {
        failsWithoutKilling(org.thplab.mm.spi.Policies.KIND_FAULT,
                (org.thplab.mm.spi.fault.FaultPolicy) f -> org.thplab.mm.spi.FaultOutcome.OOM);
    }

    @Test
    void aKilledProcessesPendingPromotionsAreAbandonedAndTheirPagesLeaveIsolation() {
        MmRuntime rt = runtime();
        MachineOps mm = rt.defaultMachine().ops();
        PolicyAdmin policies = rt.defaultMachine().policyAdmin();
        boot(mm, 64 * M, 0);
        mm.sysfs("enabled", "madvise");
        policies.usePolicy("promotion", "-khugepaged");
        policies.usePolicy("promotion", "+migration-entry");
        mm.sysfs("khugepaged/scan_sleep_millisecs", "10");
        long wake = mm.now() + 10_000_000L;
        mm.spawn("a");
        mm.mmap("a", "r", 40 * M);
        mm.touch("a", "r", 0, 40 * M, true);
        assertTrue(mm.madvise("a", "r", 0, 40 * M, Advice.HUGEPAGE).ok());
        mm.spawn("b");
        mm.mmap("b", "r", 32 * M); // (every command but touch and tick waits for pending promotions)
        rt.defaultMachine().tracing().trace(true);
        mm.tick(wake - mm.now()); // the promoter's wake: copies under way
        assertTrue(mm.touch("b", "r", 0, 32L << 20, true).ok()); // a, the biggest, is killed
        assertEquals(List.of("b"), mm.processes());
        String trace = String.join("\n", rt.defaultMachine().tracing().traceDump());
        assertTrue(trace.contains("mm_migrate_promote_begin: mm=a"), trace);
        // Abandoned when a is killed, in the middle of b's touch, not later when they come due.
        String killed = mm.dmesg().stream().filter(l -> l.contains("Killed process 1 (a)")).findFirst().orElseThrow();
        String at = killed.substring(1, killed.indexOf(']')).strip();
        java.util.List<String> rolledBack = java.util.Arrays.stream(trace.split("\n"))
                .filter(l -> l.contains("mm_migrate_promote_end: mm=a") && l.endsWith("status=rolled_back")).toList();
        assertTrue(!rolledBack.isEmpty(), trace);
        for (String l : rolledBack) {
            assertEquals(at, l.substring(0, l.indexOf(':')), "rolled back at the kill: " + l);
        }
        // The machine's own check, without the settling of pending promotions that every command
        // but touch and tick does first: no promotion of the dead process, no page left isolated.
        assertEquals(List.of(), machineOf(rt).check());
        assertEquals(List.of(), mm.check());
        mm.tick(1_000_000_000L);
        assertEquals(0, mm.verify("b", "r"));
        assertEquals(List.of(), mm.check());
    }

    @Test
    void oomScoreAdjExemptsOrPrefersAProcessAndForkCopiesIt() {
        MmRuntime rt = runtime();
        MachineOps mm = rt.defaultMachine().ops();
        boot(mm, 64 * M, 0);
        mm.spawn("big");
        mm.mmap("big", "r", 24 * M);
        mm.touch("big", "r", 0, 24 * M, true); // 6144 pages + 12 page tables
        assertEquals(0, mm.oomScoreAdj("big", null));
        // proc_oom_score(): (1000 + badness * 1000 / totalpages) * 2 / 3, totalpages = RAM + swap
        long total = 16384 - 512;
        assertEquals((1000 + 6156L * 1000 / total) * 2 / 3, mm.oomScore("big"));
        mm.oomScoreAdj("big", -1000);
        assertEquals(0, mm.oomScore("big"));
        mm.spawn("small");
        mm.oomScoreAdj("small", 1000);
        mm.fork("small", "child");
        assertEquals(1000, mm.oomScoreAdj("child", null), "copy_signal() copies oom_score_adj");
        mm.mmap("small", "r", 4 * M);
        mm.touch("small", "r", 0, 4 * M, true); // 1026 + 1000 * (total / 1000): above anything f reaches
        mm.spawn("f");
        mm.mmap("f", "r", 36 * M);
        // big has the most memory but is exempt; small's adjustment makes it the victim (over
        // child, which has the same adjustment and no memory), and then f's 36M fit.
        assertTrue(mm.touch("f", "r", 0, 36L << 20, true).ok());
        assertEquals(List.of("big", "child", "f"), mm.processes());
        String log = String.join("\n", mm.dmesg());
        assertTrue(log.contains("Killed process 2 (small)") && log.contains("oom_score_adj:1000"), log);
        assertEquals(1, mm.vmstat().get("oom_kill"));
        assertEquals(List.of(), mm.check());
    }

    @Test
    void withEveryProcessExemptTheFaultFailsWithENOMEM() {
        MmRuntime rt = runtime();
        MachineOps mm = rt.defaultMachine().ops();
        boot(mm, 32 * M, 0);
        mm.spawn("p");
        mm.oomScoreAdj("p", -1000);
        mm.sysctl("vm.overcommit_memory", "1"); // more than RAM: OVERCOMMIT_GUESS would refuse the map
        mm.mmap("p", "r", 64 * M);
        SyscallResult r = mm.touch("p", "r", 0, 64L << 20, true);
        assertEquals(Errno.ENOMEM, r.errno(), r.toString()); // the kernel would panic
        assertEquals(0, mm.vmstat().get("oom_kill"));
        assertTrue(String.join("\n", mm.dmesg()).contains("Out of memory and no killable processes..."));
        assertEquals(List.of(), mm.check());
    }
}
