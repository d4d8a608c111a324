package org.thplab.mm.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.core.runtime.MmRuntime;

/**
 * What a user can observe of every machine of a runtime, as lines: which machines there are and
 * which is current, and of each its boot parameters, clock, processes with their smaps and
 * oom_score_adj, vmstat, meminfo, buddyinfo, every sysfs knob, the policy selection, the trace
 * groups, the kernel log and stat. Two renderings are equal when no command could tell the
 * states apart (short of {@code trace dump}, whose buffer is left alone: reading it clears it).
 * Reading changes nothing.
 */
final class MachineState {
    private MachineState() {
    }

    static List<String> of(MmRuntime rt, Commands shell) {
        List<String> s = new ArrayList<>();
        s.add("current " + shell.current());
        s.add("jobs " + rt.jobs());
        for (String name : rt.names()) {
            SimulatedMachine m = rt.machine(name);
            MachineOps ops = m.ops();
            s.add("machine " + name + " " + ops.bootParameters());
            s.add("  sysfs " + ops.tunables().all());
            s.add("  policies " + m.policyAdmin().policies());
            s.add("  events " + m.tracing().traceEvents());
            if (ops.bootParameters() == null) {
                continue;
            }
            s.add("  now " + ops.now());
            for (String p : ops.processes()) {
                s.add("  process " + p + " oom_score_adj " + read(() -> ops.oomScoreAdj(p, null)));
                for (SmapsEntry e : ops.smaps(p, null)) {
                    s.add("    " + e);
                }
            }
            s.add("  vmstat " + ops.vmstat());
            s.add("  meminfo " + ops.meminfo());
            ops.buddyinfo().forEach((type, counts) -> s.add("  buddyinfo " + type + " " + Arrays.toString(counts)));
            s.add("  dmesg " + ops.dmesg());
            s.add("  stat " + ops.stat());
        }
        return s;
    }

    /** A reading, or the misuse it is (a process killed meanwhile reads as a misuse, not a failure). */
    private static String read(Supplier<Object> reading) {
        try {
            return String.valueOf(reading.get());
        } catch (IllegalArgumentException e) {
            return "misuse: " + e.getMessage();
        }
    }

    /** The first line where the two differ, with its neighbours: enough to see what a misuse changed. */
    static String difference(List<String> before, List<String> after) {
        int i = 0;
        while (i < before.size() && i < after.size() && before.get(i).equals(after.get(i))) {
            i++;
        }
        return "before: " + (i < before.size() ? before.get(i) : "(nothing)") + "\nafter:  "
                + (i < after.size() ? after.get(i) : "(nothing)");
    }
}
