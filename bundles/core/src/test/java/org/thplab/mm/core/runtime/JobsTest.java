package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.embedded.BundledWorkloads;
import org.thplab.mm.api.BootParameters;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.WorkloadParameter;

/** The workload services as the runtime runs them: parameters, misuse, what a run does, background jobs. */
class JobsTest {
    private static final long M = 1L << 20;

    private static MmRuntime runtime() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        BundledWorkloads.register(rt::registerWorkload);
        return rt;
    }

    @Test
    void listsTheInstalledWorkloadsWithTheirParameters() {
        MmRuntime rt = runtime();
        assertEquals(List.of("hot-regions", "redis-snapshot", "rfc-fork", "short-lived", "sparse-heap", "threaded-faults"), rt.installed());
        assertEquals(List.of("size", "chunk", "swap", "pattern", "seed", "max", "accesses"),
                rt.parameters("rfc-fork").stream().map(WorkloadParameter::name).toList());
        MmUsageException e = assertThrows(MmUsageException.class, () -> rt.parameters("nope"));
        assertEquals("run: unknown workload 'nope' (hot-regions, redis-snapshot, rfc-fork, short-lived, sparse-heap, threaded-faults)", e.getMessage());
    }

    @Test
    void aBadValueChangesNothing() {
        MmRuntime rt = runtime();
        MachineOps mm = rt.defaultMachine().ops();
        mm.boot(64 * M, 0, 7);
        mm.spawn("p");
        Map<String, String> chunk = Map.of("chunk", Long.toString(3 * M));
        Map<String, String> pattern = Map.of("pattern", "zig");
        Map<String, String> seed = Map.of("seed", "x");
        Map<String, String> bogus = Map.of("bogus", "1");
        assertEquals("run rfc-fork: chunk must be a positive multiple of 2M",
                assertThrows(MmUsageException.class, () -> rt.run("default", "rfc-fork", chunk)).getMessage());
        assertEquals("run rfc-fork: pattern must be one or random, not 'zig'",
                assertThrows(MmUsageException.class, () -> rt.run("default", "rfc-fork", pattern)).getMessage());
        assertEquals("run: bad number 'x' for seed",
                assertThrows(MmUsageException.class, () -> rt.runBackground("default", "rfc-fork", seed)).getMessage());
        assertEquals("run rfc-fork: unknown parameter 'bogus' (size, chunk, swap, pattern, seed, max, accesses)",
                assertThrows(MmUsageException.class, () -> rt.run("default", "rfc-fork", bogus)).getMessage());
        // the count of children is an int: a negative or larger one is refused, not wrapped
        for (String max : List.of("-5", "3000000000")) {
            assertEquals("run rfc-fork: max must be from 0 to 2147483647, not " + max, assertThrows(MmUsageException.class,
                    () -> rt.run("default", "rfc-fork", Map.of("max", max))).getMessage());
        }
        assertEquals("run rfc-fork: size=3145728 swap=0: boot: memory size must be a multiple of 2M from 16M to 4T, not 3145728",
                assertThrows(MmUsageException.class, () -> rt.run("default", "rfc-fork", Map.of("size", Long.toString(3 * M))))
                        .getMessage());
        assertEquals(List.of("p"), mm.processes());
        assertEquals(new BootParameters(64 * M, 0, 7), mm.bootParameters());
        assertEquals(List.of(), rt.jobs());
    }

    /**
     * The workload does what it says through the public API: two children, each forked from the
     * parent and writing the first page of each 2 MiB region of its chunk, leave the machine as
     * the same calls made by hand do.
     */
    @Test
    void aRunIsTheSystemCallsItDescribes() {
        MmRuntime rt = runtime();
        String report = rt.run("default", "rfc-fork",
                Map.of("size", Long.toString(64 * M), "chunk", Long.toString(8 * M), "max", "2", "seed", "3"));
        assertTrue(report.startsWith("rfc-fork: 64 MiB machine, 8 MiB chunks, pattern one, seed 3\n"
                + "children completed 2; stopped after 2 children (max)\n"), report);

        MachineOps hand = rt.create("hand").ops();
        hand.boot(64 * M, 0, 3);
        hand.spawn("rfc");
        for (int c = 1; c <= 2; c++) {
            hand.fork("rfc", "child" + c);
            hand.mmap("child" + c, "chunk", 8 * M);
            for (long r = 0; r < 8 * M; r += 2 * M) {
                assertTrue(hand.touch("child" + c, "chunk", r, 4096, true).ok());
            }
        }
        MachineOps run = rt.defaultMachine().ops();
        assertEquals(hand.vmstat(), run.vmstat());
        assertEquals(hand.processes(), run.processes());
        assertEquals(hand.now(), run.now());
        // Eight faults, one per region written, each latency recorded.
        assertTrue(report.contains("fault latency: 8 faults,"), report);
        assertEquals(List.of(), run.check());
    }

    @Test
    void aBackgroundJobEndsWhenItsMachineIsBootedAgainWithTheReportOfTheMachineItRanOn() {
        MmRuntime rt = runtime();
        rt.defaultMachine().policyAdmin().usePolicy("fault", "base");
        int job = rt.runBackground("default", "rfc-fork",
                Map.of("size", Long.toString(16L << 30), "chunk", Long.toString(1L << 30), "pattern", "random"));
        MachineOps mm = rt.defaultMachine().ops();
        mm.boot(16 * M, 0, 0);
        String jobs = String.join("\n", rt.jobs());
        assertTrue(jobs.startsWith(job + " rfc-fork "), jobs);
        assertTrue(jobs.contains(": done\nrfc-fork: 16384 MiB machine, 1024 MiB chunks, pattern random, seed 0\n"), jobs);
        assertTrue(jobs.contains("ended: machine 'default' was booted again or removed (in child "), jobs);
        assertEquals(List.of(), mm.processes()); // the new machine is the machine now, untouched by the job
    }
}
