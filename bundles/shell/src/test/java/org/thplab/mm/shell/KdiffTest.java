package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * kdiff without a kernel: the script rules, the comparison against recorded kernel observations
 * (the recorded suite under {@code scripts/kdiff/} must agree but for its listed known
 * differences), and the generator.
 */
class KdiffTest {
    static final Path SUITE = Path.of("../../scripts/kdiff");

    private static String run(String mode, Path... scripts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int rc = Kdiff.runAll(Harness.commands(Harness.runtime()), mode,
                String.join(java.io.File.pathSeparator, Stream.of(scripts).map(Path::toString).toList()), out);
        return rc + "\n" + bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void refusesWhatHasNoKernelCounterpart() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> KdiffScript.parse("x.mm", List.of("boot 1G", "stat")));
        assertTrue(e.getMessage().startsWith("x.mm:2: kdiff: 'stat' has no counterpart"), e.getMessage());
        // A policy line is thplab's side only: which policy the kernel is compared with.
        assertEquals(2, KdiffScript.parse("x.mm", List.of("boot 1G", "policy use fault mthp")).size());
        e = assertThrows(IllegalArgumentException.class,
                () -> KdiffScript.parse("x.mm", List.of("boot 1G", "sysfs khugepaged/scan_sleep_millisecs 10")));
        assertTrue(e.getMessage().contains("kdiff's own"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KdiffScript.parse("x.mm", List.of("spawn p")));
        assertTrue(e.getMessage().contains("must boot before 'spawn'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KdiffScript.parse("x.mm", List.of("boot 1G", "vmstat")));
        assertTrue(e.getMessage().contains("vmstat takes one <prefix>"), e.getMessage());
    }

    @Test
    void nrAnonIsCountedByFolioOrder() {
        // hugepages-<size>kB: a folio of size/4 KiB pages, order log2 of that
        assertEquals(4, KdiffCounters.nrAnonOrder("hugepages-64kB/stats/nr_anon"));
        assertEquals(9, KdiffCounters.nrAnonOrder("hugepages-2048kB/stats/nr_anon"));
        assertEquals(1, KdiffCounters.nrAnonOrder("hugepages-8kB/stats/nr_anon"));
        // the other statistics are counters of events, kept by the script's actions
        assertEquals(-1, KdiffCounters.nrAnonOrder("hugepages-64kB/stats/nr_anon_partially_mapped"));
        assertEquals(-1, KdiffCounters.nrAnonOrder("hugepages-64kB/stats/anon_fault_alloc"));
        assertEquals(-1, KdiffCounters.nrAnonOrder("khugepaged/pages_collapsed"));
    }

    @Test
    void adviceNumbersAreTheKernelsUapi() {
        // include/uapi/asm-generic/mman-common.h
        assertEquals(4, KdiffScript.adviceNumber("dontneed"));
        assertEquals(14, KdiffScript.adviceNumber("hugepage"));
        assertEquals(15, KdiffScript.adviceNumber("nohugepage"));
        assertEquals(21, KdiffScript.adviceNumber("pageout"));
        assertEquals(25, KdiffScript.adviceNumber("collapse"));
        assertEquals("EINVAL", KdiffScript.errno("EINVAL: MADV_COLLAPSE range holds no whole PMD"));
        assertEquals("ok", KdiffScript.errno(null));
    }

    @Test
    void marksADifferenceAndAcceptsAKnownOne(@TempDir Path dir) throws IOException {
        Path mm = dir.resolve("a.mm");
        Files.write(mm, List.of("boot 64M", "spawn p", "mmap p r 2M", "touch p r 0 2M", "smaps p r", "vmstat thp_fault_alloc"));
        // A kernel that faulted base pages: Rss the same, no AnonHugePages, no THP fault.
        Files.write(dir.resolve("a.kernel"), List.of("# kdiff: the kernel's observations of a.mm on Linux test (x)",
                "2\tspawn p\tok", "3\tmmap p r 2M\tok", "4\ttouch p r 0 2M\tok",
                "5\tsmaps p r Rss\t2048 kB", "5\tsmaps p r Pss\t2048 kB", "5\tsmaps p r Pss_Dirty\t2048 kB",
                "5\tsmaps p r Shared_Clean\t0 kB", "5\tsmaps p r Shared_Dirty\t0 kB", "5\tsmaps p r Private_Clean\t0 kB",
                "5\tsmaps p r Private_Dirty\t2048 kB", "5\tsmaps p r Anonymous\t2048 kB",
                "5\tsmaps p r AnonHugePages\t0 kB", "5\tsmaps p r Swap\t0 kB", "5\tsmaps p r SwapPss\t0 kB",
                "6\tthp_fault_alloc\t0"));
        String r = run("recorded", mm);
        assertTrue(r.startsWith("1\n"), r);
        assertTrue(r.contains("!     5  smaps p r AnonHugePages  0 kB     2048 kB"), r);
        assertTrue(r.contains("!     6  thp_fault_alloc"), r);
        assertTrue(r.contains("a.mm: 15 observations, 2 differ, 0 known to differ, 0 skipped"), r);

        Files.write(dir.resolve(Kdiff.KNOWN), List.of("a.mm\t5\tsmaps p r AnonHugePages\ta test", "a.mm\t6\tthp_fault_alloc\ta test"));
        r = run("recorded", mm);
        assertTrue(r.startsWith("0\n"), r);
        assertTrue(r.contains("~     5  smaps p r AnonHugePages"), r);
    }

    @Test
    void aScriptWithoutRecordIsAnError(@TempDir Path dir) throws IOException {
        Path mm = dir.resolve("b.mm");
        Files.write(mm, List.of("boot 64M"));
        String r = run("recorded", mm);
        assertTrue(r.startsWith("2\n") && r.contains("no recorded kernel observations"), r);
    }

    @Test
    void theGeneratorIsDeterministicAndWritesValidScripts() {
        for (long seed = 0; seed < 50; seed++) {
            List<String> a = KdiffGenerator.generate(seed);
            assertEquals(a, KdiffGenerator.generate(seed));
            KdiffScript.parse("gen.mm", a);
        }
        assertNotEquals(KdiffGenerator.generate(1), KdiffGenerator.generate(2));
    }

    /** The recorded suite: each script against its kernel record, known differences aside. */
    @TestFactory
    Stream<DynamicTest> recordedSuite() throws IOException {
        List<Path> scripts;
        try (Stream<Path> s = Files.walk(SUITE)) {
            scripts = s.filter(p -> p.toString().endsWith(".mm")).sorted().toList();
        }
        assertTrue(scripts.size() > 0);
        return scripts.stream().map(p -> DynamicTest.dynamicTest(SUITE.relativize(p).toString(), () -> {
            String r = run("recorded", p);
            assertTrue(r.startsWith("0\n"), r);
        }));
    }
}
