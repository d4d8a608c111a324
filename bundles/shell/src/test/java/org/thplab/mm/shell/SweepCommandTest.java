package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.core.runtime.MmRuntime;

/** The sweep command: what it writes, read back as CSV and JSON; script cells through the shell; its refusals. */
class SweepCommandTest {
    static final Path SWEEPS = ScenarioTest.SCRIPTS.resolve("sweeps");

    static List<Map<String, String>> csv(Path file) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerFor(Map.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    @Test
    void resultsCsvHasTheDocumentedColumnsOneRowPerCellInOrder(@TempDir Path out) throws IOException {
        Commands shell = Harness.commands(Harness.runtime());
        String summary = shell.execute("sweep " + SWEEPS.resolve("small.yaml") + " " + out.resolve("r"));
        assertTrue(summary.contains(": 8 cells of rfc-fork, 0 failed"), summary);
        List<Map<String, String>> rows = csv(out.resolve("r/results.csv"));
        assertEquals(8, rows.size());
        assertEquals(List.of("cell", "policy.reclaim", "sysfs.promotion_threshold", "seed", "children_completed", "memory.used_mib",
                "thp_fault_alloc", "promotions.khugepaged/res_pages_collapsed", "report.thp_never_written_bytes", "error"),
                new ArrayList<>(rows.get(0).keySet()));
        String[] reclaim = {"lru-shrinker", "drop-all"};
        String[] threshold = {"1", "64"};
        for (int i = 0; i < 8; i++) {
            Map<String, String> r = rows.get(i);
            assertEquals(Integer.toString(i), r.get("cell"));
            assertEquals(reclaim[i / 4], r.get("policy.reclaim"));
            assertEquals(threshold[i / 2 % 2], r.get("sysfs.promotion_threshold"));
            assertEquals(Integer.toString(1 + i % 2), r.get("seed"));
            assertEquals("", r.get("error"));
            assertTrue(Long.parseLong(r.get("children_completed")) > 0, r.toString());
            Long.parseLong(r.get("thp_fault_alloc"));
        }
        // the JSON holds the same rows, numbers as numbers and the error as null
        List<?> json = new ObjectMapper().readValue(out.resolve("r/results.json").toFile(), List.class);
        assertEquals(8, json.size());
        Map<?, ?> first = (Map<?, ?>) json.get(0);
        assertEquals(rows.get(0).keySet(), first.keySet());
        assertEquals(Long.parseLong(rows.get(0).get("children_completed")), ((Number) first.get("children_completed")).longValue());
        assertEquals(null, first.get("error"));
    }

    @Test
    void theDefaultFolderIsBesideTheSpecNamedAfterIt(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("one.yaml"), "workload: rfc-fork\nparams: {size: 64M, chunk: 16M}\nmeasures: [children_completed]\n");
        String summary = Harness.commands(Harness.runtime()).execute("sweep " + dir.resolve("one.yaml"));
        assertTrue(summary.endsWith("results: " + dir.resolve("one-results") + "/results.csv, " + dir.resolve("one-results")
                + "/results.json"), summary);
        assertEquals(1, csv(dir.resolve("one-results/results.csv")).size());
    }

    /** A script cell runs through the shell's commands, as the same lines typed on a machine booted with the cell's seed. */
    @Test
    void aScriptCellGivesWhatItsLinesGiveByHand(@TempDir Path out) throws IOException {
        MmRuntime rt = Harness.runtime();
        Commands shell = Harness.commands(rt);
        shell.execute("sweep " + SWEEPS.resolve("script.yaml") + " " + out);
        Map<String, String> row = csv(out.resolve("results.csv")).get(1); // enabled=always, heap=6M, seed 1
        assertEquals(List.of("always", "6M", "1"), List.of(row.get("sysfs.enabled"), row.get("param.heap"), row.get("seed")));
        shell.execute("sysfs enabled always");
        shell.execute("boot 64M seed=1");
        shell.execute("spawn app; mmap app heap 6M; touch app heap 0 6M write");
        MachineOps m = Harness.ops(rt);
        assertEquals(Long.toString(m.vmstat().get("thp_fault_alloc")), row.get("thp_fault_alloc"));
        assertEquals(Long.toString(m.vmstat().get("nr_anon_pages")), row.get("nr_anon_pages"));
        assertEquals(Long.toString(m.meminfo().get("AnonHugePages")), row.get("meminfo.AnonHugePages"));
        assertEquals(Long.toString(m.stat().get("time_ns")), row.get("stat.time_ns"));
    }

    @Test
    void aMisusedScriptLineIsTheCellsErrorAndTheOthersRun(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("c.mm"), "spawn app\nmmap app heap ${heap}\n");
        Files.writeString(dir.resolve("s.yaml"), "script: c.mm\nboot: 64M\ncross: {param.heap: [4M, 3X]}\nmeasures: [nr_anon_pages]\n");
        String summary = Harness.commands(Harness.runtime()).execute("sweep " + dir.resolve("s.yaml"));
        assertTrue(summary.contains(": 2 cells of script c.mm, 1 failed"), summary);
        assertTrue(summary.contains("cell 1 (param.heap=3X seed=0): " + dir.resolve("c.mm") + ":2: mmap: bad size '3X'"), summary);
        List<Map<String, String>> rows = csv(dir.resolve("s-results/results.csv"));
        assertEquals("", rows.get(0).get("error"));
        assertEquals("", rows.get(1).get("nr_anon_pages"));
        assertTrue(rows.get(1).get("error").contains("mmap: bad size '3X'"), rows.get(1).toString());
    }

    @Test
    void theSpecsChartsAreDrawnFromTheResultsAndABadOneFailsAfterThem(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("c.yaml"), "workload: rfc-fork\nparams: {size: 64M, chunk: 16M}\nmeasures: [children_completed]\n"
                + "seeds: [1, 2]\ncharts: [{plot: 'bar=children_completed:seed', file: c.svg}]\n");
        String summary = Harness.commands(Harness.runtime()).execute("sweep " + dir.resolve("c.yaml"));
        assertTrue(summary.contains("2 cells of rfc-fork, 0 failed"), summary);
        String svg = Files.readString(dir.resolve("c-results/c.svg"));
        assertTrue(svg.startsWith("<?xml") || svg.contains("<svg"), svg.substring(0, Math.min(200, svg.length())));
        assertTrue(svg.contains("children_completed"), "the measure names the axis");

        Files.writeString(dir.resolve("d.yaml"), "workload: rfc-fork\nparams: {size: 64M, chunk: 16M}\nmeasures: [children_completed]\n"
                + "charts: [{plot: 'bar=nosuch', file: d.svg}]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Harness.commands(Harness.runtime()).execute("sweep " + dir.resolve("d.yaml")));
        assertTrue(e.getMessage().contains("chart d.svg not drawn: ") && e.getMessage().contains("nosuch"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("d-results/results.csv")), "the results are written anyway");
        assertFalse(Files.exists(dir.resolve("d-results/d.svg")));
    }

    @Test
    void refusalsChangeNothing(@TempDir Path dir) throws IOException {
        MmRuntime rt = Harness.runtime();
        Commands shell = Harness.commands(rt);
        Files.writeString(dir.resolve("file"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> shell.execute("sweep " + SWEEPS.resolve("small.yaml") + " " + dir.resolve("file")));
        assertEquals("sweep: " + dir.resolve("file") + " is a file, not a folder for the results", e.getMessage());
        Files.writeString(dir.resolve("w.mm"), "sweep " + SWEEPS.toAbsolutePath().resolve("small.yaml") + "\n");
        shell.execute("boot --name b 64M");
        shell.execute("boot --name c 64M");
        e = assertThrows(IllegalArgumentException.class, () -> shell.execute("compare b,c " + dir.resolve("w.mm")));
        assertTrue(e.getMessage().endsWith("sweep: not in a script that compare runs"), e.getMessage());
        assertEquals(List.of("default", "b", "c"), rt.names());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no results folder");
        }
    }
}
