package org.thplab.mm.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.api.Workloads;

/**
 * Runs one cell on a fresh machine of a factory and gives its row. The machine,
 * {@code sweep-<n>-<index>}, starts as any machine the factory makes (a copy of the default
 * machine's tunables and selection) and is removed afterwards, whatever happened. In order: the
 * fixed policies, then the crossed ones; the fixed sysfs knobs, then the crossed ones; then a
 * workload cell runs its workload (which boots the machine itself, from its parameters, with
 * {@code seed=} the cell's seed), a script cell boots the machine with the spec's {@code boot:}
 * and the cell's seed (when the spec has one) and runs its script with {@code ${seed}} and
 * {@code ${<param>}} replaced; then the measures are read.
 *
 * <p>A row: {@code cell}, each crossed key, {@code seed}, the measures, {@code error}. A cell that
 * fails (a value its policy, knob or workload refuses, a misused script line, the JVM's heap)
 * gives its row with {@code error} set and the measures empty. Two cells share nothing, so a row
 * is the same whether its cell runs alone or beside others, and on whichever JVM.
 */
public final class CellRunner {
    private static final AtomicLong RUNS = new AtomicLong();

    private final MachineFactory machines;
    private final Workloads workloads;
    private final ScriptExecutor scripts;
    /** This runner's part of its machines' names: unique in the JVM. */
    private final long run = RUNS.incrementAndGet();

    public CellRunner(MachineFactory machines, Workloads workloads, ScriptExecutor scripts) {
        this.machines = machines;
        this.workloads = workloads;
        this.scripts = scripts;
    }

    /**
     * @return the cell's row
     * @throws SpecException for a measure that no cell can give (the sweep as written cannot run)
     * @throws CancellationException when the thread was interrupted meanwhile: the row would be
     *         that of a run stopped part-way
     */
    public Map<String, Object> run(SweepSpec spec, Cell cell) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(SweepSpec.CELL, cell.index());
        for (int i = 0; i < spec.cross().size(); i++) {
            row.put(spec.cross().get(i).key(), value(cell.values().get(i)));
        }
        row.put(SweepSpec.SEED, cell.seed());
        SimulatedMachine m = create(cell);
        String error = null;
        Map<String, Object> measures = new LinkedHashMap<>();
        try {
            Map<String, Object> results = runOn(m, spec, cell);
            for (String name : spec.measures()) {
                measures.put(name, Measures.value(spec, name, results, m.ops()));
            }
        } catch (SpecException e) {
            throw e;
        } catch (RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        } catch (OutOfMemoryError e) {
            error = "out of memory: the JVM's heap cannot hold this cell beside the others (fewer at once: parallel:, or more -Xmx)";
        } catch (StackOverflowError e) {
            error = "stack overflow";
        } finally {
            machines.remove(m.name());
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("cell " + cell.index() + " interrupted");
        }
        for (String name : spec.measures()) {
            row.put(name, error == null ? measures.get(name) : null);
        }
        row.put(SweepSpec.ERROR, error);
        return row;
    }

    /** A crossed value as a row holds it: a whole number as a number, anything else as written. */
    static Object value(String v) {
        try {
            long n = Long.parseLong(v);
            return Long.toString(n).equals(v) ? (Object) n : v;
        } catch (NumberFormatException e) {
            return v;
        }
    }

    private SimulatedMachine create(Cell cell) {
        for (int i = 0; ; i++) {
            String suffix = i == 0 ? "" : "." + i; // a machine of the user's took the name
            try {
                return machines.create("sweep-" + run + "-" + cell.index() + suffix);
            } catch (MmUsageException taken) {
                if (i > 100) {
                    throw taken;
                }
            }
        }
    }

    /** The cell's settings, then its workload or script; returns the workload's results (null for a script). */
    private Map<String, Object> runOn(SimulatedMachine m, SweepSpec spec, Cell cell) {
        PolicyAdmin pa = m.policyAdmin();
        spec.policies().forEach((kind, value) -> usePolicy(pa, kind, value));
        MachineOps ops = m.ops();
        List<SweepSpec.Dimension> cross = spec.cross();
        for (int i = 0; i < cross.size(); i++) {
            if (cross.get(i).key().startsWith(SweepSpec.POLICY)) {
                usePolicy(pa, cross.get(i).name(), cell.values().get(i));
            }
        }
        spec.sysfs().forEach(ops::sysfs);
        for (int i = 0; i < cross.size(); i++) {
            if (cross.get(i).key().startsWith(SweepSpec.SYSFS)) {
                ops.sysfs(cross.get(i).name(), cell.values().get(i));
            }
        }
        Map<String, String> params = new LinkedHashMap<>(spec.params());
        for (int i = 0; i < cross.size(); i++) {
            if (cross.get(i).key().startsWith(SweepSpec.PARAM)) {
                params.put(cross.get(i).name(), cell.values().get(i));
            }
        }
        if (spec.workload() != null) {
            Map<String, WorkloadParameter.Type> types = SpecCheck.types(workloads, spec.workload());
            params.replaceAll((k, v) -> types.get(k) == WorkloadParameter.Type.SIZE ? Long.toString(Sizes.bytes(k, v)) : v);
            if (types.containsKey(SweepSpec.SEED)) {
                params.put(SweepSpec.SEED, Long.toString(cell.seed()));
            }
            return workloads.runResult(m.name(), spec.workload(), params).results();
        }
        if (spec.boot() != null) {
            ops.boot(spec.boot().bytes(), spec.boot().swap(), cell.seed());
        }
        params.put(SweepSpec.SEED, Long.toString(cell.seed()));
        List<String> lines = new ArrayList<>();
        for (String l : spec.scriptLines()) {
            Matcher x = SweepSpec.PLACEHOLDER.matcher(l);
            lines.add(x.replaceAll(r -> Matcher.quoteReplacement(params.get(r.group(1)))));
        }
        scripts.run(m, spec.script(), lines);
        return null;
    }

    /**
     * Selects a policy value: one name for a kind with one active policy; for {@code promotion},
     * words separated by blanks or commas, each {@code name}/{@code +name} (enable) or
     * {@code -name} (disable), applied in order.
     */
    static void usePolicy(PolicyAdmin pa, String kind, String value) {
        if (!kind.equals("promotion")) {
            pa.usePolicy(kind, value);
            return;
        }
        for (String w : value.strip().split("[\\s,]+")) {
            pa.usePolicy(kind, w);
        }
    }
}
