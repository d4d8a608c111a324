package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SmapsEntry;

/**
 * Policies switched live, in the middle of a workload, in the real framework: fault-thp to
 * fault-base, cow-pte to cow-huge and to cow-adaptive, lru-shrinker to underused, alloc-buddy to
 * alloc-antifrag. The machine
 * keeps its state, the new policies act from the next operation on, and check and verify pass
 * afterwards.
 */
class LivePolicySwitchTest {

    @Test
    void switchFaultAndCowPoliciesMidWorkload(@InjectService(timeout = RuntimeSmokeTest.TIMEOUT) MachineOps mm,
            @InjectService(timeout = RuntimeSmokeTest.TIMEOUT) PolicyAdmin policies) {
        policies.usePolicy("fault", "thp");
        policies.usePolicy("cow", "pte");
        mm.sysfs("enabled", "always");
        mm.boot(1L << 30, 64L << 20, 7);
        mm.spawn("p");
        mm.mmap("p", "a", 16L << 20);
        assertTrue(mm.touch("p", "a", 0, 8L << 20, true).ok());
        assertEquals(4, mm.vmstat().get("thp_fault_alloc"), "fault-thp mapped four THPs");
        assertTrue(mm.fork("p", "c").ok());
        // cow-pte: the child's write splits its PMD and copies 4 KiB.
        assertTrue(mm.touch("c", "a", 0, 4096, true).ok());
        assertEquals(1, mm.vmstat().get("thp_split_pmd"));

        policies.usePolicy("fault", "base");
        policies.usePolicy("cow", "huge");
        assertEquals(1, active(policies, "fault").size());
        assertTrue(active(policies, "fault").get(0).startsWith("base (org.thplab.policy.fault-base "), active(policies, "fault").toString());

        // fault-base: the rest of the region gets base pages only.
        assertTrue(mm.touch("p", "a", 8L << 20, 8L << 20, true).ok());
        assertEquals(4, mm.vmstat().get("thp_fault_alloc"), "no THP after switching to fault-base");
        // cow-huge: the child's write to a shared THP copies all 2 MiB.
        assertTrue(mm.touch("c", "a", 2L << 20, 4096, true).ok());
        assertEquals(5, mm.vmstat().get("thp_fault_alloc"), "cow-huge allocated a THP for the copy");
        assertEquals(1, mm.vmstat().get("thp_split_pmd"), "and split nothing");
        assertEquals(3 * 2048, anonHugeKb(mm, "c"), "child: THP 0 split, THP 1 its own copy, THPs 2 and 3 shared");
        assertEquals(4 * 2048, anonHugeKb(mm, "p"), "parent: the four THPs it faulted");

        assertEquals(List.of(), mm.check());
        for (String p : mm.processes()) {
            assertEquals(0, mm.verify(p, "a"), "verify " + p);
        }
    }

    @Test
    void switchThroughTheGogoCommands(@InjectService(timeout = RuntimeSmokeTest.TIMEOUT) CommandProcessor processor)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            session.execute("mm:policy use fault thp");
            session.execute("mm:boot 512M");
            session.execute("mm:spawn q");
            session.execute("mm:mmap q b 8M");
            session.execute("mm:touch q b 0 4M");
            session.execute("mm:policy use fault base");
            session.execute("mm:touch q b 4M 4M");
            String smaps = String.valueOf(session.execute("mm:smaps q b"));
            assertTrue(smaps.contains("AnonHugePages:      4096 kB"), smaps);
            assertTrue(smaps.contains("Rss:                8192 kB"), smaps);
            assertEquals("ok", String.valueOf(session.execute("mm:check")));
            assertEquals("ok", String.valueOf(session.execute("mm:verify q b")));
        } finally {
            session.execute("mm:policy use fault thp");
            session.close();
        }
    }

    @Test
    void switchToAdaptiveCowAndTheUnderusedShrinkerThroughTheGogoCommands(
            @InjectService(timeout = RuntimeSmokeTest.TIMEOUT) CommandProcessor processor,
            @InjectService(timeout = RuntimeSmokeTest.TIMEOUT) MachineOps mm,
            @InjectService(timeout = RuntimeSmokeTest.TIMEOUT) PolicyAdmin policies) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            session.execute("mm:policy use fault thp");
            session.execute("mm:sysfs enabled always");
            session.execute("mm:boot 512M");
            session.execute("mm:spawn p");
            session.execute("mm:mmap p h 4M");
            session.execute("mm:madvise p h 0 4M hugepage");
            session.execute("mm:touch p h 0 4M write");
            session.execute("mm:fork p c");
            // cow-pte: the child's write splits and copies 4 KiB.
            session.execute("mm:touch c h 0 4K write");
            assertEquals(1, mm.vmstat().get("thp_split_pmd"));
            session.execute("mm:policy use cow adaptive");
            session.execute("mm:policy use reclaim underused");
            assertTrue(active(policies, "cow").get(0).startsWith("adaptive (org.thplab.policy.cow-adaptive "),
                    active(policies, "cow").toString());
            assertTrue(active(policies, "reclaim").get(0).startsWith("underused (org.thplab.policy.reclaim-underused "),
                    active(policies, "reclaim").toString());
            // cow-adaptive: the child's PMD is young after its read, the VMA VM_HUGEPAGE: all 2 MiB.
            long alloc = mm.vmstat().get("thp_fault_alloc");
            session.execute("mm:touch c h 2M 4K read");
            session.execute("mm:touch c h 2M 4K write");
            assertEquals(alloc + 1, mm.vmstat().get("thp_fault_alloc"), "cow-adaptive copied the hot THP");
            assertEquals(1, mm.vmstat().get("thp_split_pmd"), "and split nothing");
            assertEquals(2048, anonHugeKb(mm, "c"), "child: THP 0 split, THP 1 its own copy");
            assertEquals("ok", String.valueOf(session.execute("mm:check")));
            assertEquals("ok", String.valueOf(session.execute("mm:verify c h")));
        } finally {
            session.execute("mm:policy use cow pte");
            session.execute("mm:policy use reclaim lru-shrinker");
            session.close();
        }
    }

    @Test
    void switchToAntifragPlacementThroughTheGogoCommands(
            @InjectService(timeout = RuntimeSmokeTest.TIMEOUT) CommandProcessor processor,
            @InjectService(timeout = RuntimeSmokeTest.TIMEOUT) MachineOps mm,
            @InjectService(timeout = RuntimeSmokeTest.TIMEOUT) PolicyAdmin policies) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            // scripts/alloc-antifrag.mm's sequence, fragmented under the buddy's placement.
            session.execute("mm:policy use allocation buddy");
            session.execute("mm:sysfs enabled never");
            session.execute("mm:boot 32M");
            session.execute("mm:spawn a");
            session.execute("mm:mmap a x 4M");
            session.execute("mm:touch a x 0 4M write");
            for (int i = 0; i < 16; i++) {
                session.execute("mm:madvise a x " + (64 + 128 * i) + "K 64K dontneed");
            }
            session.execute("mm:madvise a x 3M 512K dontneed");
            assertEquals(List.of(0L, 0L, 0L, 0L, 16L, 0L, 0L, 1L, 0L, 1L, 5L), movable(mm));
            session.execute("mm:policy use allocation antifrag");
            assertTrue(active(policies, "allocation").get(0).startsWith("antifrag (org.thplab.policy.alloc-antifrag "),
                    active(policies, "allocation").toString());
            // From here on, the fullest pageblock first: c's 128 pages fill P1's order-7 hole
            // (the buddy would take 8 of P0's order-4 holes), and P0 comes back whole.
            session.execute("mm:spawn c");
            session.execute("mm:mmap c y 512K");
            session.execute("mm:touch c y 0 512K write");
            session.execute("mm:munmap a x 0 2M");
            assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 2L, 5L), movable(mm));
            assertEquals("ok", String.valueOf(session.execute("mm:check")));
            assertEquals("ok", String.valueOf(session.execute("mm:verify c y")));
        } finally {
            session.execute("mm:policy use allocation buddy");
            session.execute("mm:sysfs enabled always");
            session.close();
        }
    }

    private static List<Long> movable(MachineOps mm) {
        return java.util.Arrays.stream(mm.buddyinfo().get("Movable")).boxed().toList();
    }

    private static List<String> active(PolicyAdmin policies, String kind) {
        return policies.policies().stream().filter(p -> p.kind().equals(kind)).findFirst().map(PolicyInfo::active).orElseThrow();
    }

    private static long anonHugeKb(MachineOps mm, String proc) {
        return mm.smaps(proc, null).stream().mapToLong(SmapsEntry::anonHugeKb).sum();
    }
}
