package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PolicyAdmin;

/**
 * A long tick skips the promoter wakes that can change nothing, and the result is exactly what
 * running every wake gives: the same counters, the same time, the same page tables. Each case
 * runs twice, on a machine that skips and on one booted with -Dthplab.skip-idle-passes=false.
 */
class IdlePassesTest {
    static final long S = 1_000_000_000L;
    static final long M = 1L << 20;

    /** A runtime with the bundled policies on its default machine, booted; skipping or not. */
    private record Lab(MachineOps mm, PolicyAdmin policies) {
        static Lab boot(boolean skip, String bootLine) {
            MmRuntime rt = new MmRuntime();
            BundledPolicies.register(rt::register);
            Lab lab = new Lab(rt.defaultMachine().ops(), rt.defaultMachine().policyAdmin());
            String old = System.getProperty("thplab.skip-idle-passes");
            System.setProperty("thplab.skip-idle-passes", Boolean.toString(skip));
            try {
                RandomOperationsTest.execute(lab.mm, lab.policies, bootLine);
            } finally {
                if (old == null) {
                    System.clearProperty("thplab.skip-idle-passes");
                } else {
                    System.setProperty("thplab.skip-idle-passes", old);
                }
            }
            return lab;
        }

        void run(String line) {
            try {
                RandomOperationsTest.execute(mm, policies, line);
            } catch (IllegalArgumentException misuse) {
                // the generator's misuse changes nothing, on both machines alike
            }
        }
    }

    /** Everything a transcript could show of the machine. */
    private static Map<String, Object> observed(MachineOps mm) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("now", mm.now());
        o.put("vmstat", mm.vmstat());
        o.put("meminfo", mm.meminfo());
        o.put("stat", mm.stat());
        o.put("sysfs", mm.tunables().all());
        for (String p : mm.processes()) {
            o.put("smaps " + p, mm.smaps(p, null).toString());
        }
        return o;
    }

    private static void assertSame(Lab skipping, Lab running, String what) {
        assertEquals(observed(running.mm), observed(skipping.mm), what);
    }

    @TestFactory
    Stream<DynamicTest> randomMachinesTickedLongAreTheSameWithOrWithoutSkipping() {
        return LongStream.range(Long.getLong("idle.from", 0), Long.getLong("idle.to", 40)).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            String boot = "boot " + (32 + 16 * rnd.nextInt(3)) + "M swap=" + (8 * rnd.nextInt(2)) + "M";
            Lab a = Lab.boot(true, boot);
            Lab b = Lab.boot(false, boot);
            List<String> log = new ArrayList<>(List.of(boot, "spawn p0",
                    "sysfs khugepaged/scan_sleep_millisecs " + (1 + rnd.nextInt(20)),
                    "sysfs khugepaged/pages_to_scan " + (512 << rnd.nextInt(4))));
            if (rnd.nextBoolean()) {
                log.add("policy enable promotion migration-entry");
            }
            for (String line : log.subList(1, log.size())) {
                a.run(line);
                b.run(line);
            }
            int procs = 1;
            for (int step = 0; step < 40; step++) {
                // The generator reads the machine (processes, smaps), and a read runs the events
                // due: it reads both, alike.
                long s = rnd.nextLong();
                String line = step % 8 == 7 ? "tick " + (1 + rnd.nextInt(20_000)) + "ms"
                        : RandomOperationsTest.command(new SplittableRandom(s), a.mm, procs);
                if (step % 8 != 7) {
                    assertEquals(line, RandomOperationsTest.command(new SplittableRandom(s), b.mm, procs));
                }
                if (line.startsWith("fork") || line.startsWith("spawn")) {
                    procs++;
                }
                log.add(line);
                a.run(line);
                b.run(line);
                assertSame(a, b, "seed " + seed + " after\n" + String.join("\n", log));
            }
            RandomOperationsTest.assertSound(a.mm, "seed " + seed, log);
        }));
    }

    /**
     * The shapes of quiet machines a long tick meets: one daemon or three, a pass in one wake or
     * in many (pages_to_scan below the list's size), a busy daemon (scan_sleep_millisecs 0), a
     * list with a process khugepaged cannot collapse, one it can, and one that exited.
     */
    @TestFactory
    Stream<DynamicTest> quietMachinesAreTheSameWithOrWithoutSkipping() {
        List<List<String>> cases = List.of(
                List.of("spawn p", "mmap p a 8M", "madvise p a 0 8M hugepage", "touch p a 0 4096 write"),
                List.of("policy disable promotion reservation", "spawn p", "mmap p a 8M", "sysfs enabled madvise",
                        "madvise p a 0 8M hugepage", "sysfs khugepaged/max_ptes_none 0", "touch p a 0 4096 write",
                        "touch p a 4194304 4096 write"),
                List.of("spawn p", "mmap p a 64M", "sysfs enabled madvise", "madvise p a 0 64M hugepage",
                        "sysfs khugepaged/max_ptes_none 0", "sysfs khugepaged/pages_to_scan 1536",
                        "touch p a 0 4096 write", "spawn q", "mmap q b 30M", "madvise q b 0 30M hugepage",
                        "touch q b 0 4096 write", "policy enable promotion migration-entry"),
                List.of("sysfs khugepaged/scan_sleep_millisecs 0", "spawn p", "mmap p a 4M", "sysfs enabled madvise",
                        "madvise p a 0 4M hugepage", "sysfs khugepaged/max_ptes_none 0", "touch p a 0 4096 write"),
                List.of("spawn p", "mmap p a 16M", "sysfs enabled madvise", "madvise p a 0 16M hugepage",
                        "touch p a 0 1048576 write", "touch p a 8388608 4096 write", "spawn q", "mmap q b 4M",
                        "madvise q b 0 4M hugepage", "touch q b 0 4096 write", "exit q"));
        return LongStream.range(0, cases.size()).mapToObj(i -> DynamicTest.dynamicTest("case " + i, () -> {
            List<String> lines = cases.get((int) i);
            Lab a = Lab.boot(true, "boot 256M");
            Lab b = Lab.boot(false, "boot 256M");
            for (String line : lines) {
                a.run(line);
                b.run(line);
            }
            // scan_sleep_millisecs 0: some 10^6 wakes a second for the machine that runs them all
            long scale = lines.get(0).endsWith("scan_sleep_millisecs 0") ? 10_000 : 1;
            for (long t : new long[] {3 * S / scale, 600 * S / scale, 1, (7200 * S + 123) / scale}) {
                String tick = "tick " + t + "ns";
                a.mm.tick(t);
                b.mm.tick(t);
                assertSame(a, b, "case " + i + ": " + lines + ", then " + tick);
            }
            // after the quiet ticks, a change: the skipped machine goes on exactly as the other
            for (String line : List.of("touch p a 0 2097152 write", "madvise p a 0 4096 dontneed")) {
                a.run(line);
                b.run(line);
                a.mm.tick(100 * S / scale);
                b.mm.tick(100 * S / scale);
                assertSame(a, b, "case " + i + ": " + lines + ", then " + line);
            }
        }));
    }

    /**
     * The hang: a tick to the clock's end with a process on khugepaged's list used to run
     * about 10^9 wakes. Now it completes, and khugepaged passed once per scan_sleep_millisecs
     * (10 s) plus what each pass costs.
     */
    @Test
    @Timeout(60)
    void aTickToTheEndOfTimeEndsWithKhugepagedHavingPassedOncePerSleep() {
        Lab a = Lab.boot(true, "boot 256M");
        for (String line : List.of("spawn p", "mmap p a 8M", "touch p a 0 4096 write")) {
            a.run(line);
        }
        long t = Long.MAX_VALUE - a.mm.now();
        long before = a.mm.tunables().number("khugepaged/full_scans");
        a.mm.tick(t);
        long passes = a.mm.tunables().number("khugepaged/full_scans") - before;
        assertTrue(passes <= t / (10 * S) + 1 && passes >= t / (10 * S + 1_000_000), "passes: " + passes);
        assertEquals(Long.MAX_VALUE, a.mm.now());
        assertEquals(List.of(), a.mm.check());
    }
}
