package org.thplab.mm.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.api.Workloads;

/**
 * Checks a spec's names and values against a runtime before any cell runs: the workload and its
 * parameters, the policy kinds and names, the sysfs knobs and values, the measures. Policies and
 * knobs are tried on a probe machine of the factory, made and removed here (so they are checked
 * exactly as a cell will apply them); nothing else changes.
 */
public final class SpecCheck {
    /** A small machine: booted only to read the names of its counters. */
    private static final long PROBE_BYTES = 16L << 20;
    private static final AtomicLong PROBES = new AtomicLong();

    private SpecCheck() {
    }

    /** The names a machine's tables give, read once from the probe. */
    record Tables(Set<String> vmstat, Set<String> meminfo, Set<String> report, Set<String> stat, Set<String> sysfs) {
    }

    /**
     * @throws SpecException naming the first problem
     */
    public static void check(SweepSpec spec, MachineFactory machines, Workloads workloads) {
        if (spec.workload() != null) {
            checkWorkload(spec, workloads);
        }
        SimulatedMachine probe = probe(machines);
        try {
            MachineOps ops = probe.ops();
            ops.boot(PROBE_BYTES, 0, 0);
            Tables t = new Tables(ops.vmstat().keySet(), ops.meminfo().keySet(), ops.report(null).keySet(), ops.stat().keySet(),
                    ops.tunables().all().keySet());
            checkPolicies(spec, probe);
            checkSysfs(spec, ops, t.sysfs());
            checkMeasures(spec, t);
        } finally {
            machines.remove(probe.name());
        }
    }

    private static SimulatedMachine probe(MachineFactory machines) {
        for (int i = 0; ; i++) {
            try {
                return machines.create("sweep-check-" + PROBES.incrementAndGet());
            } catch (MmUsageException taken) {
                if (i > 100) {
                    throw taken;
                }
            }
        }
    }

    private static SpecException problem(SweepSpec spec, String what) {
        return new SpecException(spec.file() + ": " + what);
    }

    private static void checkWorkload(SweepSpec spec, Workloads workloads) {
        String w = spec.workload();
        if (!workloads.installed().contains(w)) {
            throw problem(spec, "workload: no workload '" + w + "' (installed: " + String.join(", ", workloads.installed()) + ")");
        }
        Map<String, WorkloadParameter.Type> types = types(workloads, w);
        spec.params().forEach((k, v) -> param(spec, types, "params." + k, k, v));
        for (SweepSpec.Dimension d : spec.cross()) {
            if (d.key().startsWith(SweepSpec.PARAM)) {
                for (String v : d.values()) {
                    param(spec, types, "cross." + d.key(), d.name(), v);
                }
            }
        }
        if (spec.seedsGiven() && !types.containsKey(SweepSpec.SEED)) {
            throw problem(spec, "seeds: workload " + w + " has no seed parameter for them to reach");
        }
    }

    static Map<String, WorkloadParameter.Type> types(Workloads workloads, String w) {
        Map<String, WorkloadParameter.Type> types = new LinkedHashMap<>();
        for (WorkloadParameter p : workloads.parameters(w)) {
            types.put(p.name(), p.type());
        }
        return types;
    }

    private static void param(SweepSpec spec, Map<String, WorkloadParameter.Type> types, String where, String name, String value) {
        WorkloadParameter.Type t = types.get(name);
        if (t == null) {
            throw problem(spec, where + ": " + spec.workload() + " has no parameter '" + name + "' (" + String.join(", ", types.keySet()) + ")");
        }
        try {
            if (t == WorkloadParameter.Type.SIZE) {
                Sizes.bytes(name, value);
            } else if (t == WorkloadParameter.Type.NUMBER) {
                Long.parseLong(value);
            }
        } catch (SpecException | NumberFormatException e) {
            throw problem(spec, where + ": '" + value + "' is not a " + (t == WorkloadParameter.Type.SIZE
                    ? "size (bytes, or a K/M/G/T suffix)" : "whole number"));
        }
    }

    private static void checkPolicies(SweepSpec spec, SimulatedMachine probe) {
        List<String> kinds = new ArrayList<>();
        for (PolicyInfo p : probe.policyAdmin().policies()) {
            kinds.add(p.kind());
        }
        spec.policies().forEach((kind, value) -> policy(spec, probe, kinds, "policies." + kind, kind, value));
        for (SweepSpec.Dimension d : spec.cross()) {
            if (d.key().startsWith(SweepSpec.POLICY)) {
                for (String v : d.values()) {
                    policy(spec, probe, kinds, "cross." + d.key(), d.name(), v);
                }
            }
        }
    }

    private static void policy(SweepSpec spec, SimulatedMachine probe, List<String> kinds, String where, String kind, String value) {
        if (!kinds.contains(kind)) {
            throw problem(spec, where + ": no policy kind '" + kind + "' (" + String.join(", ", kinds) + ")");
        }
        try {
            CellRunner.usePolicy(probe.policyAdmin(), kind, value);
        } catch (IllegalArgumentException e) {
            throw problem(spec, where + ": '" + value + "': " + e.getMessage());
        }
    }

    private static void checkSysfs(SweepSpec spec, MachineOps probe, Set<String> knobs) {
        spec.sysfs().forEach((k, v) -> knob(spec, probe, knobs, "sysfs." + k, k, v));
        for (SweepSpec.Dimension d : spec.cross()) {
            if (d.key().startsWith(SweepSpec.SYSFS)) {
                for (String v : d.values()) {
                    knob(spec, probe, knobs, "cross." + d.key(), d.name(), v);
                }
            }
        }
    }

    private static void knob(SweepSpec spec, MachineOps probe, Set<String> knobs, String where, String knob, String value) {
        if (!knobs.contains(knob)) {
            throw problem(spec, where + ": no sysfs knob '" + knob + "' (./thplab's sysfs lists them)");
        }
        try {
            probe.sysfs(knob, value);
        } catch (IllegalArgumentException e) {
            throw problem(spec, where + ": '" + value + "': " + e.getMessage());
        }
    }

    /**
     * A prefixed measure must name a field its table has; a plain one a vmstat counter, or for a
     * workload a name of its results (known only once a cell has run: {@link CellRunner} checks it).
     */
    private static void checkMeasures(SweepSpec spec, Tables t) {
        for (String m : spec.measures()) {
            Measures.Table table = Measures.table(m);
            if (table != null) {
                Set<String> names = switch (table) {
                    case MEMINFO -> t.meminfo();
                    case REPORT -> t.report();
                    case STAT -> t.stat();
                    case SYSFS -> t.sysfs();
                };
                String field = m.substring(table.prefix.length());
                if (!names.contains(field)) {
                    throw problem(spec, "measures: " + m + ": no " + table.prefix + "<name> '" + field + "' ("
                            + String.join(", ", names) + ")");
                }
            } else if (!t.vmstat().contains(m) && spec.workload() == null) {
                throw problem(spec, "measures: " + m + ": no vmstat counter of that name, and a script cell has no workload results"
                        + " (" + Measures.KINDS + ")");
            }
        }
    }
}
