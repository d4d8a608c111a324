package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.api.SmapsEntry;

/**
 * A touch serves the empty PTEs of a table in one loop when no fault is looked at alone
 * (PteFaults.emptyRun()); with the fault tracepoints on, every fault goes through access() by
 * itself. The two must leave the same machine: the random operations of
 * {@link RandomOperationsTest} (both its families, the pressure one with OOM kills, reclaim and
 * swap in the middle of touches) run on two machines of one seed, one of them tracing faults,
 * and after every step their results, clocks, counters, free lists, kernel logs and every
 * process's smaps and status are equal.
 */
class EmptyRunTest {
    static final int SEQUENCES = 40;
    static final int STEPS = 80;

    @TestFactory
    Stream<DynamicTest> theRunLeavesWhatThePerPagePathLeaves() {
        return LongStream.range(0, SEQUENCES)
                .mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed, false)));
    }

    @TestFactory
    Stream<DynamicTest> alsoUnderPressure() {
        return LongStream.range(2000, 2000 + SEQUENCES)
                .mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed, true)));
    }

    static void run(long seed, boolean pressure) {
        SimulatedMachine[] m = new SimulatedMachine[2];
        for (int k = 0; k < 2; k++) {
            MmRuntime rt = new MmRuntime();
            BundledPolicies.register(rt::register);
            m[k] = rt.defaultMachine();
        }
        m[1].tracing().traceEvents(Set.of("fault"));
        m[1].tracing().trace(true);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> log = new ArrayList<>();
        List<String> cmds = new ArrayList<>();
        if (pressure) {
            cmds.add("boot " + (32 + 16 * rnd.nextInt(3)) + "M swap=" + (16 * rnd.nextInt(2)) + "M seed=" + seed);
            cmds.add("sysfs enabled " + (rnd.nextBoolean() ? "always" : "never"));
            cmds.add("policy use reclaim " + (rnd.nextBoolean() ? "lru-shrinker" : "drop-all"));
        } else {
            cmds.add("boot " + (24 + 8 * rnd.nextInt(4)) + "M swap=" + (8 * rnd.nextInt(3)) + "M");
        }
        cmds.add("spawn p0");
        int procs = 1;
        for (int step = 0; step < STEPS; step++) {
            String cmd = step < cmds.size() ? cmds.get(step)
                    : pressure ? RandomOperationsTest.pressureCommand(rnd, m[0].ops(), procs)
                            : RandomOperationsTest.command(rnd, m[0].ops(), procs);
            if (cmd.startsWith("fork") || cmd.startsWith("spawn")) {
                procs++;
            }
            log.add(cmd);
            String[] result = new String[2];
            for (int k = 0; k < 2; k++) {
                try {
                    result[k] = String.valueOf(RandomOperationsTest.execute(m[k].ops(), m[k].policyAdmin(), cmd));
                } catch (IllegalArgumentException e) {
                    result[k] = e.toString();
                }
            }
            m[1].tracing().traceDump();
            String why = "seed " + seed + " after\n" + String.join("\n", log);
            assertEquals(result[1], result[0], why);
            assertEquals(state(m[1].ops()), state(m[0].ops()), why);
        }
        RandomOperationsTest.assertSound(m[0].ops(), "seed " + seed, log);
    }

    /** What a reader of the machine sees, in one string. */
    static String state(MachineOps mm) {
        StringBuilder s = new StringBuilder();
        s.append("now ").append(mm.now()).append('\n');
        s.append(mm.vmstat()).append('\n').append(mm.meminfo()).append('\n');
        mm.buddyinfo().forEach((zone, counts) -> s.append(zone).append(java.util.Arrays.toString(counts)).append('\n'));
        s.append(String.join("\n", mm.dmesg())).append('\n');
        for (String p : mm.processes()) {
            s.append(p).append(' ').append(mm.status(p)).append('\n');
            for (SmapsEntry e : mm.smaps(p, null)) {
                s.append(e).append('\n');
            }
        }
        return s.toString();
    }
}
