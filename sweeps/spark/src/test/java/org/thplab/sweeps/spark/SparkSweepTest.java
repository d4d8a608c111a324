package org.thplab.sweeps.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.shell.SweepCommand;
import org.thplab.mm.sweep.LocalSweep;
import org.thplab.mm.sweep.SpecException;
import org.thplab.mm.sweep.SweepSpec;

/**
 * Sweeps on Spark's local[2] master (two executor threads in this JVM, each task serialized as on
 * a cluster): the rows are those of a local sweep of the same spec, map for map.
 */
class SparkSweepTest {
    static final Path SWEEPS = Path.of("../../scripts/sweeps");
    static JavaSparkContext sc;

    @BeforeAll
    static void spark() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("thplab-sweep-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.driver.memory", "512m"));
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    static List<Map<String, Object>> local(SweepSpec spec) {
        MmRuntime rt = ExecutorRuntime.assemble();
        return new LocalSweep(rt, rt, SweepCommand.scripts(rt, rt)).run(spec, 2, null);
    }

    @Test
    void rowsOnSparkAreTheRowsOfALocalSweep() {
        SweepSpec spec = SweepSpec.read(SWEEPS.resolve("small.yaml"), "small.yaml");
        List<Map<String, Object>> spark = SparkSweep.run(sc, spec);
        assertEquals(8, spark.size());
        for (Map<String, Object> r : spark) {
            assertNull(r.get("error"), r.toString());
        }
        assertEquals(local(spec), spark);
    }

    /** A script cell's lines travel with the spec and run through the shell's commands on the executor. */
    @Test
    void scriptCellsOnSparkAreTheRowsOfALocalSweep() {
        SweepSpec spec = SweepSpec.read(SWEEPS.resolve("script.yaml"), "script.yaml");
        List<Map<String, Object>> spark = SparkSweep.run(sc, spec);
        assertEquals(4, spark.size());
        assertEquals(local(spec), spark);
        assertEquals(3L, spark.get(1).get("thp_fault_alloc"), spark.get(1).toString());
    }

    @Test
    void theDriverWritesTheResults(@TempDir Path out) throws Exception {
        SweepSpec spec = SweepSpec.read(SWEEPS.resolve("small.yaml"), "small.yaml");
        String summary = SparkSweep.runAndWrite(sc, spec, "small.yaml", out);
        assertTrue(summary.startsWith("sweep small.yaml: 8 cells of rfc-fork, 0 failed\nresults: "), summary);
        List<Map<String, String>> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerFor(Map.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(out.resolve("results.csv").toFile())) {
            it.forEachRemaining(rows::add);
        }
        assertEquals(8, rows.size());
        assertEquals(spec.columns(), new ArrayList<>(rows.get(0).keySet()));
        assertEquals("7", rows.get(7).get("cell"));
    }

    @Test
    void aMeasureNoCellCanGiveFailsTheJobNamingIt() {
        SweepSpec spec = SweepSpec.parse("""
                workload: rfc-fork
                params: {size: 64M, chunk: 16M}
                seeds: 1..2
                measures: [children]
                """, "t.yaml", null);
        SpecException e = assertThrows(SpecException.class, () -> SparkSweep.run(sc, spec));
        assertTrue(e.getMessage().startsWith("t.yaml: measures: children is unknown: not among rfc-fork's results"), e.getMessage());
        SpecException before = assertThrows(SpecException.class, () -> SparkSweep.run(sc, SweepSpec.parse(
                "workload: rfc-fork\nmeasures: [x]\ncross: {policy.faults: [thp]}\n", "t.yaml", null)));
        assertTrue(before.getMessage().contains("no policy kind 'faults'"), before.getMessage());
    }
}
