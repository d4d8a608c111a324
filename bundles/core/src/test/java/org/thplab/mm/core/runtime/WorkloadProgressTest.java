package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.embedded.BundledWorkloads;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.api.WorkloadProgress;
import org.thplab.mm.api.WorkloadResult;
import org.thplab.mm.spi.workload.Workload;
import org.thplab.mm.spi.workload.WorkloadRun;

/**
 * A foreground run's progress ({@code Workloads.runResult} with a {@link WorkloadProgress}):
 * told between steps, at most every 100 ms of wall time, with increasing fractions; and each
 * workload of this repository says how far it is, from 0 to 1, never going back.
 */
class WorkloadProgressTest {
    private static final long M = 1L << 20;

    /** Ten steps of 30 ms of wall time each; a workload of SPI 1.0: no results(), no fraction(). */
    private static final class Slow implements Workload {
        final boolean knowsFraction;

        Slow(boolean knowsFraction) {
            this.knowsFraction = knowsFraction;
        }

        @Override
        public List<WorkloadParameter> parameters() {
            return List.of(new WorkloadParameter("steps", WorkloadParameter.Type.NUMBER, "10", "how many"));
        }

        @Override
        public WorkloadRun start(MachineOps machine, Map<String, String> params) {
            int steps = Integer.parseInt(params.get("steps"));
            return new WorkloadRun() {
                int done;

                @Override
                public boolean step() {
                    if (done == steps) {
                        return false;
                    }
                    try {
                        Thread.sleep(30);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return ++done < steps;
                }

                @Override
                public void end(String why) {
                }

                @Override
                public void stop() {
                }

                @Override
                public String progress() {
                    return "step " + done;
                }

                @Override
                public String report() {
                    return "slow: " + done + " steps";
                }

                @Override
                public double fraction() {
                    return knowsFraction ? (double) done / steps : WorkloadRun.super.fraction();
                }
            };
        }
    }

    private record Update(String where, long steps, double fraction, long at) {
    }

    @Test
    void theListenerIsToldBetweenStepsAtMostEveryHundredMillisecondsWithIncreasingFractions() {
        MmRuntime rt = new MmRuntime();
        rt.registerWorkload("slow", new Slow(true));
        List<Update> updates = new ArrayList<>();
        WorkloadResult r = rt.runResult("default", "slow", Map.of(),
                (where, steps, fraction) -> updates.add(new Update(where, steps, fraction, System.nanoTime())));
        assertEquals("slow: 10 steps", r.report());
        assertEquals(Map.of("steps", "10"), r.parameters(), "the values the run had, the defaults filled in");
        assertEquals(Map.of("report", "slow: 10 steps"), r.results(), "a 1.0 workload's results: its report");
        assertTrue(updates.size() >= 1 && updates.size() <= 3, "300 ms of steps, at most one call per 100 ms: " + updates);
        for (int i = 0; i < updates.size(); i++) {
            Update u = updates.get(i);
            assertEquals("step " + u.steps(), u.where());
            assertEquals(u.steps() / 10.0, u.fraction(), 1e-9);
            assertTrue(u.fraction() > 0 && u.fraction() < 1, u.toString());
            if (i > 0) {
                Update before = updates.get(i - 1);
                assertTrue(u.fraction() > before.fraction() && u.steps() > before.steps(), updates.toString());
                assertTrue(u.at() - before.at() >= WorkloadProgress.INTERVAL_MS * 1_000_000L, updates.toString());
            }
        }
        // nobody listening: the same run, nothing measured
        assertEquals("slow: 3 steps", rt.runResult("default", "slow", Map.of("steps", "3"), null).report());
        assertEquals("slow: 3 steps", rt.run("default", "slow", Map.of("steps", "3")));
    }

    @Test
    void aWorkloadThatCannotSayHowFarItIsGivesNaN() {
        MmRuntime rt = new MmRuntime();
        rt.registerWorkload("slow", new Slow(false));
        List<Double> fractions = new ArrayList<>();
        rt.runResult("default", "slow", Map.of("steps", "8"), (where, steps, fraction) -> fractions.add(fraction));
        assertFalse(fractions.isEmpty());
        fractions.forEach(f -> assertTrue(Double.isNaN(f), fractions.toString()));
    }

    @Test
    void everyBundledWorkloadSaysHowFarItIsFromZeroToOneNeverGoingBack() {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        Map<String, Workload> workloads = new LinkedHashMap<>();
        BundledWorkloads.register(workloads::put);
        Map<String, Map<String, String>> small = Map.of(
                "rfc-fork", Map.of("size", Long.toString(64 * M), "chunk", Long.toString(8 * M), "max", "20"),
                "sparse-heap", Map.of("size", Long.toString(256 * M), "heap", Long.toString(16 * M), "cycles", "2", "sleep", "0"),
                "short-lived", Map.of("size", Long.toString(256 * M), "procs", "4", "jobs", "2", "min", Long.toString(4 * M),
                        "max", Long.toString(4 * M), "lifetime", "2", "slice", "1000"),
                "redis-snapshot", Map.of("size", Long.toString(512 * M), "heap", Long.toString(64 * M), "snapshots", "2",
                        "interval", "10", "batch", "2000"),
                "hot-regions", Map.of("size", Long.toString(256 * M), "heap", Long.toString(16 * M), "hot", Long.toString(8 * M),
                        "phases", "2", "phase", "50", "batch", "1000"),
                "threaded-faults", Map.of("size", Long.toString(256 * M), "threads", "2", "heap", Long.toString(8 * M), "rounds", "2",
                        "accesses", "1000"));
        MachineOps ops = rt.defaultMachine().ops();
        assertEquals(small.keySet(), workloads.keySet());
        workloads.forEach((name, w) -> {
            Map<String, String> values = new LinkedHashMap<>();
            for (WorkloadParameter p : w.parameters()) {
                values.put(p.name(), small.get(name).getOrDefault(p.name(), p.defaultValue()));
            }
            WorkloadRun run = w.start(ops, values);
            double last = run.fraction();
            assertTrue(last >= 0 && last < 1, name + " at its start: " + last);
            int steps = 0;
            boolean rose = false;
            while (run.step()) {
                double f = run.fraction();
                assertTrue(f >= last && f <= 1, name + " went from " + last + " to " + f + " at step " + steps);
                rose |= f > last && f < 1;
                last = f;
                steps++;
            }
            assertEquals(1.0, run.fraction(), name + " has ended");
            assertTrue(rose, name + " said nothing between its start and its end in " + steps + " steps");
        });
    }
}
