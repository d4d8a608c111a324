package org.thplab.mm.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.thplab.embedded.BundledPolicies;
import org.thplab.embedded.BundledWorkloads;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.api.WorkloadResult;
import org.thplab.mm.core.runtime.MmRuntime;

/** Specs, their cells and their rows, on a runtime assembled outside the framework. */
class SweepTest {
    /** rfc-fork on a 64 MiB machine, four children at most: a few ms a cell. */
    static final String SMALL = """
            workload: rfc-fork
            params: {size: 64M, chunk: 8M, pattern: random, max: 4}
            policies: {fault: reservation}
            cross:
              policy.reclaim: [lru-shrinker, drop-all]
              sysfs.promotion_threshold: [1, 64]
            seeds: [1, 2]
            measures: [children_completed, memory.used_mib, thp_fault_alloc, meminfo.AnonHugePages, report.thp_never_written_bytes, stat.time_ns]
            """;

    static MmRuntime runtime() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        BundledWorkloads.register(rt::registerWorkload);
        return rt;
    }

    static SweepSpec spec(String yaml) {
        return SweepSpec.parse(yaml, "t.yaml", null);
    }

    static List<Map<String, Object>> run(MmRuntime rt, String yaml, int threads) {
        return new LocalSweep(rt, rt, ScriptExecutor.NONE).run(spec(yaml), threads, null);
    }

    @Test
    void cellsCrossTheDimensionsInOrderTheLastFastestThenTheSeeds() {
        SweepSpec s = spec("""
                workload: rfc-fork
                cross: {policy.reclaim: [lru-shrinker, drop-all], sysfs.promotion_threshold: [1, 64, 512]}
                seeds: 1..2
                measures: [children_completed]
                """);
        List<Cell> cells = s.cells();
        assertEquals(12, cells.size());
        assertEquals(12, s.cellCount());
        List<String> seen = new ArrayList<>();
        for (Cell c : cells) {
            seen.add(c.index() + ":" + String.join(",", c.values()) + ":" + c.seed());
        }
        assertEquals(List.of("0:lru-shrinker,1:1", "1:lru-shrinker,1:2", "2:lru-shrinker,64:1", "3:lru-shrinker,64:2",
                "4:lru-shrinker,512:1", "5:lru-shrinker,512:2", "6:drop-all,1:1", "7:drop-all,1:2", "8:drop-all,64:1",
                "9:drop-all,64:2", "10:drop-all,512:1", "11:drop-all,512:2"), seen);
        assertEquals(cells, s.cells(), "deterministic");
        assertEquals(List.of("cell", "policy.reclaim", "sysfs.promotion_threshold", "seed", "children_completed", "error"), s.columns());
    }

    @Test
    void noCrossIsOneCellPerSeedAndNoSeedsIsSeedZero() {
        SweepSpec s = spec("workload: rfc-fork\nmeasures: [children_completed]\n");
        assertEquals(List.of(new Cell(0, 0, List.of())), s.cells());
        assertEquals(3, spec("workload: rfc-fork\nseeds: [5, 6, 7]\nmeasures: [x]\n").cells().size());
    }

    /** Each bad spec is refused before any cell runs, with a message naming the problem. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            workload: rfc-fork\\nmeasures: [a]\\nsed: [1]                 | unknown key 'sed'
            workload: rfc-fork\\nscript: a.mm\\nmeasures: [a]            | do not go together
            measures: [a]                                                | name a workload
            workload: rfc-fork                                           | measures: none
            workload: rfc-fork\\nmeasures: []                            | measures: none
            workload: rfc-fork\\nmeasures: [a, a]                        | 'a' twice
            workload: rfc-fork\\nmeasures: [seed]                        | a column of every row
            workload: rfc-fork\\nmeasures: a                             | measures: expected a list
            workload: rfc-fork\\nmeasures: [a]\\nseeds: 5..1             | seeds: bad range '5..1'
            workload: rfc-fork\\nmeasures: [a]\\nseeds: a..b             | seeds: bad range 'a..b'
            workload: rfc-fork\\nmeasures: [a]\\nseeds: []               | seeds: none
            workload: rfc-fork\\nmeasures: [a]\\nseeds: [1, x]           | 'x' is not a whole number
            workload: rfc-fork\\nmeasures: [a]\\nseeds: [1, 1]           | seeds: 1 twice
            workload: rfc-fork\\nmeasures: [a]\\ncross: {policy.fault: []} | cross.policy.fault: no values
            workload: rfc-fork\\nmeasures: [a]\\ncross: {fault: [thp]}   | policy.<kind>, sysfs.<knob> or param.<name>
            workload: rfc-fork\\nmeasures: [a]\\ncross: {policy.fault: [thp, thp]} | 'thp' twice
            workload: rfc-fork\\nmeasures: [a]\\nparams: {seed: 3}       | the seed is not a parameter
            workload: rfc-fork\\nmeasures: [a]\\nparams: {max: 3}\\ncross: {param.max: [1, 2]} | params.max is fixed too
            workload: rfc-fork\\nmeasures: [a]\\nboot: 4G                | boot: is for script cells
            workload: rfc-fork\\nmeasures: [a]\\nparallel: 0             | parallel: 0 cells at once
            workload: rfc-fork\\nmeasures: [a]\\nparallel: two           | parallel: expected a whole number
            workload: rfc-fork\\nmeasures: [a]\\ncharts: [{plot: x, file: ../x.svg}] | a file name in the results' folder
            workload: rfc-fork\\nmeasures: [a]\\ncharts: [{plot: x, file: a.svg, size: 3}] | charts[0]: unknown key 'size'
            workload: rfc-fork\\nmeasures: [a]\\nmeasures: [b]           | Duplicate field 'measures'
            workload: rfc-fork\\nmeasures: [a]\\nseeds: 0..2000000        | more than 1000000 seeds
            [1, 2]                                                       | the spec: expected a mapping
            'a: [b'                                                      | line 1:
            'workload: &a [*a]'                                          | t.yaml: 
            ''                                                           | empty
            """)
    void badSpecsAreRefusedNamingTheProblem(String yaml, String expected) {
        String text = yaml.replace("\\n", "\n");
        SpecException e = assertThrows(SpecException.class, () -> spec(text));
        assertTrue(e.getMessage().startsWith("t.yaml: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** What only a runtime knows: refused before any cell runs, and the probe machine is gone. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            workload: nosuch\\nmeasures: [a]                                    | workload: no workload 'nosuch' (installed:
            workload: rfc-fork\\nmeasures: [a]\\nparams: {chunks: 2M}           | params.chunks: rfc-fork has no parameter 'chunks'
            workload: rfc-fork\\nmeasures: [a]\\nparams: {chunk: 2X}            | params.chunk: '2X' is not a size
            workload: rfc-fork\\nmeasures: [a]\\ncross: {param.max: [1, x]}      | cross.param.max: 'x' is not a whole number
            workload: rfc-fork\\nmeasures: [a]\\ncross: {policy.faults: [thp]}   | cross.policy.faults: no policy kind 'faults'
            workload: rfc-fork\\nmeasures: [a]\\ncross: {policy.fault: [thp, nosuch]} | cross.policy.fault: 'nosuch':
            workload: rfc-fork\\nmeasures: [a]\\npolicies: {promotion: '-khugepaged +nosuch'} | policies.promotion: '-khugepaged +nosuch':
            workload: rfc-fork\\nmeasures: [a]\\ncross: {sysfs.promotion_threshhold: [1]} | no sysfs knob 'promotion_threshhold'
            workload: rfc-fork\\nmeasures: [a]\\ncross: {sysfs.promotion_threshold: [1, 1000]} | cross.sysfs.promotion_threshold: '1000':
            workload: rfc-fork\\nmeasures: [meminfo.AnonHugePage]              | measures: meminfo.AnonHugePage: no meminfo.<name> 'AnonHugePage'
            workload: rfc-fork\\nmeasures: [report.nosuch]                     | measures: report.nosuch: no report.<name> 'nosuch'
            """)
    void specsARuntimeRefusesAreRefusedBeforeAnyCell(String yaml, String expected) {
        MmRuntime rt = runtime();
        List<String> before = rt.names();
        SpecException e = assertThrows(SpecException.class, () -> run(rt, yaml.replace("\\n", "\n"), 1));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(before, rt.names(), "the probe machine is removed");
    }

    @Test
    void rowsAreTheSameOnOneThreadAndOnTwo() {
        List<Map<String, Object>> one = run(runtime(), SMALL, 1);
        List<Map<String, Object>> two = run(runtime(), SMALL, 2);
        assertEquals(8, one.size());
        assertEquals(one, two);
        for (Map<String, Object> row : one) {
            assertNull(row.get("error"), row.toString());
            assertNotNull(row.get("children_completed"), row.toString());
        }
        // The threshold matters: threshold 1 is a THP at the first fault.
        assertTrue(((Number) one.get(0).get("thp_fault_alloc")).longValue() > 0, one.get(0).toString());
        assertEquals(0L, one.get(2).get("thp_fault_alloc"), one.get(2).toString());
    }

    @Test
    void aRowHoldsWhatTheSameRunByHandGives() {
        MmRuntime rt = runtime();
        List<Map<String, Object>> rows = run(rt, SMALL, 2);
        Map<String, Object> row = rows.get(7); // drop-all, threshold 64, seed 2
        assertEquals(List.of(7, "drop-all", 64L, 2L), List.of(row.get("cell"), row.get("policy.reclaim"),
                row.get("sysfs.promotion_threshold"), row.get("seed")));
        assertEquals(List.of("default"), rt.names(), "every cell's machine is removed");

        SimulatedMachine m = rt.create("by-hand");
        m.policyAdmin().usePolicy("fault", "reservation");
        m.policyAdmin().usePolicy("reclaim", "drop-all");
        MachineOps ops = m.ops();
        ops.sysfs("promotion_threshold", "64");
        WorkloadResult r = rt.runResult("by-hand", "rfc-fork", Map.of("size", Long.toString(64L << 20), "chunk",
                Long.toString(8L << 20), "pattern", "random", "max", "4", "seed", "2"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("children_completed", r.results().get("children_completed"));
        expected.put("memory.used_mib", ((Map<?, ?>) r.results().get("memory")).get("used_mib"));
        expected.put("thp_fault_alloc", ops.vmstat().get("thp_fault_alloc"));
        expected.put("meminfo.AnonHugePages", ops.meminfo().get("AnonHugePages"));
        expected.put("report.thp_never_written_bytes", ops.report(null).get("thp_never_written_bytes"));
        expected.put("stat.time_ns", ops.stat().get("time_ns"));
        Map<String, Object> actual = new LinkedHashMap<>(row);
        actual.keySet().retainAll(expected.keySet());
        assertEquals(expected, actual);
    }

    @Test
    void aFailingCellGivesAnErrorRowAndTheOthersRun() {
        String yaml = """
                workload: rfc-fork
                params: {size: 64M, max: 2}
                cross: {param.chunk: [2M, 3M, 4M]}
                measures: [children_completed]
                """;
        List<Map<String, Object>> rows = run(runtime(), yaml, 2);
        assertEquals(3, rows.size());
        assertNull(rows.get(0).get("error"));
        assertEquals(2L, ((Number) rows.get(0).get("children_completed")).longValue());
        assertTrue(String.valueOf(rows.get(1).get("error")).contains("chunk must be a positive multiple of 2M"), rows.get(1).toString());
        assertTrue(rows.get(1).containsKey("children_completed"));
        assertNull(rows.get(1).get("children_completed"));
        assertEquals(2L, ((Number) rows.get(2).get("children_completed")).longValue());
    }

    @Test
    void aMeasureNoCellCanGiveStopsTheSweepNamingIt() {
        MmRuntime rt = runtime();
        String yaml = """
                workload: rfc-fork
                params: {size: 64M, chunk: 8M, max: 1}
                seeds: 1..4
                measures: [children, memory]
                """;
        SpecException e = assertThrows(SpecException.class, () -> run(rt, yaml, 2));
        assertTrue(e.getMessage().contains("measures: children is unknown: not among rfc-fork's results (machine_mib,"), e.getMessage());
        assertTrue(e.getMessage().contains("children_completed"), e.getMessage());
        assertEquals(List.of("default"), rt.names());
        SpecException group = assertThrows(SpecException.class, () -> run(rt, yaml.replace("children, ", ""), 1));
        assertTrue(group.getMessage().contains("memory is a group of rfc-fork's results; name one of its values: memory.used_mib"),
                group.getMessage());
    }

    /** A script cell: settings, then boot with the cell's seed, then the script with ${seed} and its variables replaced. */
    @Test
    void aScriptCellIsBootedWithItsSeedAndGetsItsVariables(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cell.mm"), "spawn p\nmmap p heap ${heap}\n# seed ${seed}\n");
        Files.writeString(dir.resolve("s.yaml"), """
                script: cell.mm
                boot: 64M swap=16M
                cross: {param.heap: [4M, 8M]}
                seeds: [3]
                measures: [nr_anon_pages, meminfo.SwapTotal]
                """);
        SweepSpec s = SweepSpec.read(dir.resolve("s.yaml"));
        List<String> seen = new ArrayList<>();
        MmRuntime rt = runtime();
        ScriptExecutor fake = (m, file, lines) -> {
            seen.add(file + " " + m.ops().bootParameters() + " " + lines);
            return "";
        };
        List<Map<String, Object>> rows = new LocalSweep(rt, rt, fake).run(s, 1, null);
        assertEquals(2, seen.size());
        assertTrue(seen.get(0).startsWith("cell.mm "), seen.get(0));
        assertTrue(seen.get(0).contains("seed=3]"), seen.get(0));
        assertTrue(seen.get(0).endsWith("[spawn p, mmap p heap 4M, # seed 3]"), seen.get(0));
        assertTrue(seen.get(1).endsWith("[spawn p, mmap p heap 8M, # seed 3]"), seen.get(1));
        assertEquals(16L * 1024, rows.get(0).get("meminfo.SwapTotal"));

        Files.writeString(dir.resolve("noseed.mm"), "spawn p\n");
        Files.writeString(dir.resolve("bad.yaml"), "script: noseed.mm\nmeasures: [nr_anon_pages]\nseeds: [1, 2]\n");
        SpecException e = assertThrows(SpecException.class, () -> SweepSpec.read(dir.resolve("bad.yaml")));
        assertTrue(e.getMessage().contains("seeds cannot reach the script"), e.getMessage());
        Files.writeString(dir.resolve("bad2.yaml"), "script: cell.mm\nmeasures: [nr_anon_pages]\n");
        e = assertThrows(SpecException.class, () -> SweepSpec.read(dir.resolve("bad2.yaml")));
        assertTrue(e.getMessage().contains("${heap} has no value"), e.getMessage());
        Files.writeString(dir.resolve("bad3.yaml"), "script: nosuch.mm\nmeasures: [nr_anon_pages]\n");
        e = assertThrows(SpecException.class, () -> SweepSpec.read(dir.resolve("bad3.yaml")));
        assertTrue(e.getMessage().contains("script: nosuch.mm: cannot read: no such file"), e.getMessage());
    }

    @Test
    void resultsAreACsvWithAHeaderRowAndAJsonArray(@TempDir Path dir) throws Exception {
        SweepSpec s = spec(SMALL.replace("seeds: [1, 2]", "seeds: [1]"));
        MmRuntime rt = runtime();
        List<Map<String, Object>> rows = new LocalSweep(rt, rt, ScriptExecutor.NONE).run(s, 2, null);
        Results.write(dir.resolve("out"), s.columns(), rows);
        CsvMapper csv = new CsvMapper();
        List<Map<String, String>> read = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = csv.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader())
                .readValues(dir.resolve("out/results.csv").toFile())) {
            it.forEachRemaining(read::add);
        }
        assertEquals(4, read.size());
        assertEquals(s.columns(), new ArrayList<>(read.get(0).keySet()));
        for (int i = 0; i < rows.size(); i++) {
            for (String c : s.columns()) {
                Object v = rows.get(i).get(c);
                assertEquals(v == null ? "" : String.valueOf(v), read.get(i).get(c), c);
            }
        }
        List<?> json = new ObjectMapper().readValue(dir.resolve("out/results.json").toFile(), List.class);
        assertEquals(4, json.size());
        assertEquals(s.columns(), new ArrayList<>(((Map<?, ?>) json.get(0)).keySet()));
    }
}
