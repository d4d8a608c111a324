package org.thplab.mm.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.thplab.mm.api.MachineOps;

/**
 * Where a measure's value comes from, in this order: the workload's results (a name, or a dotted
 * path into its groups: {@code memory.used_mib}), a vmstat counter, then the prefixed tables
 * {@code meminfo.<Field>}, {@code report.<measure>} ({@link MachineOps#report} of every process),
 * {@code stat.<name>} and {@code sysfs.<knob>}, read from the cell's machine once its run ended.
 */
final class Measures {
    /** The kinds of measure, for messages. */
    static final String KINDS = "a workload's results, a vmstat counter, meminfo.<Field>, report.<measure>, stat.<name>, sysfs.<knob>";

    enum Table {
        MEMINFO("meminfo."), REPORT("report."), STAT("stat."), SYSFS("sysfs.");

        final String prefix;

        Table(String prefix) {
            this.prefix = prefix;
        }
    }

    /** Not found: distinct from a value that is null (a result the run left empty). */
    private static final Object MISSING = new Object();

    private Measures() {
    }

    /** @return the prefixed table the measure names, or null for a plain name */
    static Table table(String measure) {
        for (Table t : Table.values()) {
            if (measure.startsWith(t.prefix) && measure.length() > t.prefix.length()) {
                return t;
            }
        }
        return null;
    }

    /**
     * @param results the workload's results, or null for a script cell
     * @throws SpecException for a measure no table has, or one that is a group of results rather than a value
     */
    static Object value(SweepSpec spec, String measure, Map<String, Object> results, MachineOps m) {
        Object v = results == null ? MISSING : fromResults(results, measure);
        if (v != MISSING) {
            if (v instanceof Map<?, ?> group) {
                throw new SpecException(spec.file() + ": measures: " + measure + " is a group of " + spec.workload()
                        + "'s results; name one of its values: " + String.join(", ", names(measure, group)));
            }
            if (v instanceof List<?>) {
                throw new SpecException(spec.file() + ": measures: " + measure + " is a list in " + spec.workload()
                        + "'s results, not one value");
            }
            return v;
        }
        Table t = table(measure);
        if (t == null) {
            Long c = m.vmstat().get(measure);
            if (c != null) {
                return c;
            }
            throw new SpecException(spec.file() + ": measures: " + measure + " is unknown: "
                    + (results == null ? "" : "not among " + spec.workload() + "'s results (" + String.join(", ", names("", results))
                    + "), ") + "not a vmstat counter (" + KINDS + ")");
        }
        String field = measure.substring(t.prefix.length());
        Object found = switch (t) {
            case MEMINFO -> m.meminfo().get(field);
            case REPORT -> m.report(null).get(field);
            case STAT -> m.stat().get(field);
            case SYSFS -> number(m.tunables().read(field));
        };
        if (found == null) {
            throw new SpecException(spec.file() + ": measures: " + measure + " is unknown (" + KINDS + ")");
        }
        return found;
    }

    /** A name, else a dotted path through the results' groups. */
    private static Object fromResults(Map<String, Object> results, String measure) {
        if (results.containsKey(measure)) {
            return results.get(measure);
        }
        Object at = results;
        for (String part : measure.split("\\.", -1)) {
            if (!(at instanceof Map<?, ?> group) || !group.containsKey(part)) {
                return MISSING;
            }
            at = group.get(part);
        }
        return at;
    }

    /** Every value's dotted name in a group of results. */
    private static List<String> names(String prefix, Map<?, ?> group) {
        List<String> out = new ArrayList<>();
        group.forEach((k, v) -> {
            String name = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
            if (v instanceof Map<?, ?> inner) {
                out.addAll(names(name, inner));
            } else {
                out.add(name);
            }
        });
        return out;
    }

    /** A knob's value as a number when it is one ({@code 256}), else as sysfs shows it ({@code [always] madvise never}). */
    static Object number(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return s;
        }
    }
}
