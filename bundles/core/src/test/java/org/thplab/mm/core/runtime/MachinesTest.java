package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.SyscallResult;

/**
 * Many machines in one runtime: two machines with different policy selections, driven step by
 * step in turn, or on two threads at once, give what each gives alone; a machine's tunables and
 * selection are its own.
 *
 * <p>Machine a runs Linux's selection (fault-thp, cow-pte, lru-shrinker, khugepaged, madv-collapse
 * and reservation promoters), machine b the reservation RFC's (fault-reservation, cow-huge,
 * drop-all, the reservation, migration-entry and khugepaged promoters). Both run khugepaged,
 * whose one service keeps a scan cursor per machine. A third selection, the review thread's
 * proposals (fault-thp, cow-adaptive, reclaim-underused), runs beside Linux's too.
 */
class MachinesTest {
    static final long M = 1L << 20;

    /** The runtime with the bundled policies. */
    static MmRuntime runtime() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        return rt;
    }

    /** Makes machine name with selection "linux", "rfc" or "proposed", and its tunables. */
    static SimulatedMachine machine(MmRuntime rt, String name, String selection) {
        SimulatedMachine m = rt.create(name);
        var p = m.policyAdmin();
        if (selection.equals("linux")) {
            p.usePolicy("fault", "thp");
            p.usePolicy("cow", "pte");
            p.usePolicy("reclaim", "lru-shrinker");
        } else if (selection.equals("proposed")) {
            p.usePolicy("fault", "thp");
            p.usePolicy("cow", "adaptive");
            p.usePolicy("reclaim", "underused");
        } else {
            p.usePolicy("fault", "reservation");
            p.usePolicy("cow", "huge");
            p.usePolicy("reclaim", "drop-all");
            p.usePolicy("promotion", "-madv-collapse");
            p.usePolicy("promotion", "+migration-entry");
        }
        m.ops().sysfs("enabled", "always");
        m.ops().sysfs("khugepaged/scan_sleep_millisecs", "10");
        return m;
    }

    /** The operations, one a step; each returns what it printed (a result, or null). */
    static final List<Function<MachineOps, Object>> STEPS = List.of(
        m -> m.boot(256 * M, 64 * M, 3),
        m -> { m.spawn("p"); return null; },
        m -> { m.mmap("p", "a", 16 * M); return null; },
        m -> { m.mmap("p", "b", 8 * M); return null; },
        m -> m.madvise("p", "b", 0, 8 * M, Advice.NOHUGEPAGE),
        m -> m.touch("p", "a", 0, 8 * M, true),
        m -> m.touch("p", "b", 0, 8 * M, true),
        m -> m.fork("p", "c"),
        m -> m.touch("c", "a", 0, 4096, true),
        m -> m.touch("c", "a", 2 * M, 4096, false),
        m -> m.madvise("p", "a", 0, 16 * M, Advice.HUGEPAGE),
        m -> m.touch("p", "a", 8 * M, 6 * M, true),
        m -> { m.tick(100_000_000L); return null; },
        m -> m.madvise("p", "b", 0, 8 * M, Advice.HUGEPAGE),
        m -> m.madvise("p", "b", 0, 4 * M, Advice.COLLAPSE),
        m -> { m.tick(1_000_000_000L); return null; },
        m -> { m.spawn("q"); return null; },
        m -> { m.mmap("q", "f", 200 * M); return null; },
        m -> m.madvise("q", "f", 0, 200 * M, Advice.NOHUGEPAGE),
        m -> m.touch("q", "f", 0, 200 * M, true),
        m -> m.touch("p", "b", 0, 8 * M, false),
        m -> { m.exit("c"); return null; },
        m -> { m.tick(500_000_000L); return null; });

    /** What one step shows: its result, then the counters. */
    static String step(MachineOps m, int i) {
        Object r = STEPS.get(i).apply(m);
        return i + ": " + (r instanceof SyscallResult s ? s.toString() : r) + " " + m.vmstat();
    }

    /** Everything a machine reports at the end. */
    static String end(MachineOps m) {
        StringBuilder b = new StringBuilder();
        b.append("meminfo ").append(m.meminfo()).append('\n');
        b.append("stat ").append(m.stat()).append('\n');
        b.append("processes ").append(m.processes()).append('\n');
        for (String p : m.processes()) {
            for (SmapsEntry e : m.smaps(p, null)) {
                b.append(e).append(" verify=").append(m.verify(p, e.region())).append('\n');
            }
        }
        b.append("dmesg ").append(m.dmesg()).append('\n');
        b.append("sysfs ").append(m.tunables().all()).append('\n');
        b.append("check ").append(m.check());
        return b.toString();
    }

    /** The machine's transcript when it runs alone in a runtime of its own. */
    static List<String> alone(String selection) {
        MachineOps m = machine(runtime(), "x", selection).ops();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < STEPS.size(); i++) {
            out.add(step(m, i));
        }
        out.add(end(m));
        return out;
    }

    @Test
    void twoMachinesInterleavedStepByStepGiveWhatEachGivesAlone() {
        MmRuntime rt = runtime();
        MachineOps a = machine(rt, "a", "linux").ops();
        MachineOps b = machine(rt, "b", "rfc").ops();
        List<String> ta = new ArrayList<>();
        List<String> tb = new ArrayList<>();
        for (int i = 0; i < STEPS.size(); i++) {
            ta.add(step(a, i));
            tb.add(step(b, i));
        }
        ta.add(end(a));
        tb.add(end(b));

        assertEquals(alone("linux"), ta, "machine a beside b");
        assertEquals(alone("rfc"), tb, "machine b beside a");
        assertEquals("check []", ta.get(ta.size() - 1).substring(ta.get(ta.size() - 1).lastIndexOf('\n') + 1));
        assertEquals("check []", tb.get(tb.size() - 1).substring(tb.get(tb.size() - 1).lastIndexOf('\n') + 1));
        // The selections matter: reservations on b only, more THP faults on a.
        assertEquals(0, a.vmstat().get("thp_res_alloc"), a.vmstat().toString());
        assertTrue(b.vmstat().get("thp_res_alloc") > 0, b.vmstat().toString());
        assertTrue(a.vmstat().get("thp_fault_alloc") > b.vmstat().get("thp_fault_alloc"), a.vmstat() + "\n" + b.vmstat());
        assertNotEquals(ta, tb);
        // The default machine stayed as it was: not booted.
        assertNull(rt.defaultMachine().ops().bootParameters());
    }

    @Test
    void theProposedPoliciesBesideLinuxsGiveWhatEachGivesAlone() {
        MmRuntime rt = runtime();
        MachineOps a = machine(rt, "a", "linux").ops();
        MachineOps c = machine(rt, "c", "proposed").ops();
        List<String> ta = new ArrayList<>();
        List<String> tc = new ArrayList<>();
        for (int i = 0; i < STEPS.size(); i++) {
            ta.add(step(a, i));
            tc.add(step(c, i));
        }
        ta.add(end(a));
        tc.add(end(c));
        assertEquals(alone("linux"), ta, "machine a beside c");
        assertEquals(alone("proposed"), tc, "machine c beside a");
        assertEquals("check []", tc.get(tc.size() - 1).substring(tc.get(tc.size() - 1).lastIndexOf('\n') + 1));
    }

    @Test
    void twoMachinesOnTwoThreadsAtOnceGiveWhatEachGivesAlone() throws Exception {
        List<String> linux = alone("linux");
        List<String> rfc = alone("rfc");
        for (int round = 0; round < 3; round++) {
            MmRuntime rt = runtime();
            MachineOps a = machine(rt, "a", "linux").ops();
            MachineOps b = machine(rt, "b", "rfc").ops();
            CyclicBarrier start = new CyclicBarrier(2);
            List<List<String>> out = List.of(new ArrayList<>(), new ArrayList<>());
            Throwable[] failed = new Throwable[2];
            Thread[] cells = new Thread[2];
            MachineOps[] ms = {a, b};
            for (int k = 0; k < 2; k++) {
                int c = k;
                cells[c] = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < STEPS.size(); i++) {
                            out.get(c).add(step(ms[c], i));
                        }
                        out.get(c).add(end(ms[c]));
                    } catch (Throwable t) {
                        failed[c] = t;
                    }
                }, "cell-" + k);
                cells[c].start();
            }
            for (Thread t : cells) {
                t.join(120_000);
            }
            assertNull(failed[0], () -> "cell a: " + failed[0]);
            assertNull(failed[1], () -> "cell b: " + failed[1]);
            assertEquals(linux, out.get(0), "machine a on its thread, round " + round);
            assertEquals(rfc, out.get(1), "machine b on its thread, round " + round);
        }
    }

    @Test
    void aNewMachineStartsFromACopyOfTheDefaultOneAndThenGoesItsOwnWay() {
        MmRuntime rt = runtime();
        SimulatedMachine dflt = rt.defaultMachine();
        dflt.ops().sysfs("enabled", "never");
        dflt.policyAdmin().usePolicy("cow", "huge");
        dflt.policyAdmin().usePolicy("promotion", "+migration-entry");
        SimulatedMachine a = rt.create("a");
        assertEquals("always madvise [never]", a.ops().tunables().all().get("enabled"));
        assertEquals(List.of("huge (embedded 0)"), active(a, "cow"));
        assertEquals(4, active(a, "promotion").size(), active(a, "promotion").toString());

        a.ops().sysfs("enabled", "madvise");
        a.policyAdmin().usePolicy("cow", "pte");
        assertEquals("always madvise [never]", dflt.ops().tunables().all().get("enabled"));
        assertEquals(List.of("huge (embedded 0)"), active(dflt, "cow"));
        dflt.ops().sysfs("defrag", "always");
        assertEquals("always defer defer+madvise [madvise] never", a.ops().tunables().all().get("defrag"));

        assertEquals(List.of(MachineFactory.DEFAULT, "a"), rt.names());
        assertThrows(MmUsageException.class, () -> rt.create("a"));
        assertThrows(MmUsageException.class, () -> rt.create("no/slash"));
        assertThrows(MmUsageException.class, () -> rt.remove(MachineFactory.DEFAULT));
        a.ops().boot(64 * M, 0, 1);
        rt.remove("a");
        assertNull(rt.machine("a"));
        MmUsageException gone = assertThrows(MmUsageException.class, () -> a.ops().spawn("p"));
        assertEquals("spawn: machine 'a' was removed", gone.getMessage());
    }

    @Test
    void aSelectionChangesOneMachineFromItsNextOperationAndNoOther() {
        MmRuntime rt = runtime();
        MachineOps a = machine(rt, "a", "linux").ops();
        MachineOps b = machine(rt, "b", "linux").ops();
        a.boot(64 * M, 0, 1);
        b.boot(64 * M, 0, 1);
        for (MachineOps m : List.of(a, b)) {
            m.spawn("p");
            m.mmap("p", "r", 4 * M);
            m.touch("p", "r", 0, 2 * M, true);
            assertEquals(1, m.vmstat().get("thp_fault_alloc"));
        }
        rt.machine("a").policyAdmin().usePolicy("fault", "reservation");
        a.touch("p", "r", 2 * M, 2 * M, true);
        b.touch("p", "r", 2 * M, 2 * M, true);
        assertEquals(1, a.vmstat().get("thp_fault_alloc"), "a: fault-reservation from its next operation");
        assertEquals(2, b.vmstat().get("thp_fault_alloc"), "b: still fault-thp");
    }

    private static List<String> active(SimulatedMachine m, String kind) {
        for (PolicyInfo p : m.policyAdmin().policies()) {
            if (p.kind().equals(kind)) {
                return p.active();
            }
        }
        throw new AssertionError(kind);
    }
}
