package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.test.common.annotation.InjectService;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.Workloads;
import org.thplab.mm.sweep.LocalSweep;
import org.thplab.mm.sweep.Results;
import org.thplab.mm.sweep.ScriptExecutor;
import org.thplab.mm.sweep.SweepSpec;

/**
 * The sweep bundle in the framework: Jackson's YAML and CSV bundles wired to it, its cells run
 * on machines of the runtime's factory through the services, every machine removed after. A
 * cell's machine starts from the default machine's tunables, which other tests change: the spec
 * sets the one it depends on.
 */
class SweepInFrameworkTest {
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    MachineFactory machines;
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    Workloads workloads;

    @Test
    void aSpecParsesRunsItsCellsAndWritesItsResults(@TempDir Path dir) throws Exception {
        SweepSpec spec = SweepSpec.parse("""
                workload: rfc-fork
                params: {size: 64M, chunk: 16M, pattern: random}
                sysfs: {enabled: always}
                cross: {policy.fault: [thp, reservation]}
                seeds: 1..2
                measures: [children_completed, thp_fault_alloc, meminfo.AnonHugePages]
                """, "itest.yaml", null);
        List<String> before = machines.names();
        List<Map<String, Object>> rows = new LocalSweep(machines, workloads, ScriptExecutor.NONE).run(spec, 2, null);
        assertEquals(before, machines.names(), "every cell's machine is removed");
        assertEquals(4, rows.size());
        for (Map<String, Object> r : rows) {
            assertNull(r.get("error"), r.toString());
        }
        assertEquals("reservation", rows.get(2).get("policy.fault"));
        assertTrue(((Number) rows.get(0).get("thp_fault_alloc")).longValue() > 0, rows.get(0).toString());
        Results.write(dir, spec.columns(), rows);
        List<String> csv = Files.readAllLines(dir.resolve(Results.CSV));
        assertEquals("cell,policy.fault,seed,children_completed,thp_fault_alloc,meminfo.AnonHugePages,error", csv.get(0));
        assertEquals(5, csv.size());
        assertTrue(Files.readString(dir.resolve(Results.JSON)).startsWith("[ {"));
    }
}
