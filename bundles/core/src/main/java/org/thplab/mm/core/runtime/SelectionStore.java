package org.thplab.mm.core.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.EnumMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.policy.PolicyKind;

/**
 * The default machine's policy selection and THP tunables as Configuration Admin configurations:
 * applies what
 * Configuration Admin delivers (the selection through PolicySelectionConfig, one PID per kind;
 * the tunables through DS, {@value MmRuntime#TUNABLES_PID}) and writes back what
 * {@code mm:policy} and {@code sysfs} change, so that {@code config:} commands, a {@code .cfg}
 * in {@code deploy/} and a restart agree with them.
 *
 * <p>Configuration Admin delivers asynchronously, so our own writes come back later as echoes.
 * Each write carries a sequence number ({@value #SEQ} for the tunables, {@code <kind>.seq} for a
 * selection); a configuration older than our last write is an echo and is ignored, so a late
 * echo cannot undo a newer command. Machines made by name are not configured here (they start
 * from a copy of the default machine). Not thread-safe: the runtime calls it holding the default
 * machine's lock.
 */
final class SelectionStore implements Persistence {
    /** Marks configurations this runtime wrote itself, so a late echo of an older write is ignored. */
    static final String SEQ = "thplab.seq";
    /** The runtime's log, as before the runtime was split into several classes. */
    private static final Logger LOG = LoggerFactory.getLogger(MmRuntime.class);

    private final ThpTunables tunables;
    private final Selection selection;
    private final PolicyRegistry registry;
    private volatile ConfigurationAdmin configAdmin;
    private long seq;
    private long policySeq;
    /** The sequence number of our last write of each kind's configuration. */
    private final Map<PolicyKind, Long> written = new EnumMap<>(PolicyKind.class);

    /** The default machine's tunables, which the configuration sets. */
    ThpTunables tunables() {
        return tunables;
    }

    SelectionStore(ThpTunables tunables, Selection selection, PolicyRegistry registry) {
        this.tunables = tunables;
        this.selection = selection;
        this.registry = registry;
    }

    @Override
    public void tunablesChanged() {
        persistTunables();
    }

    @Override
    public void selectionChanged(PolicyKind kind) {
        persistSelection(kind);
    }

    void setConfigAdmin(ConfigurationAdmin ca) {
        this.configAdmin = ca;
    }

    void unsetConfigAdmin(ConfigurationAdmin ca) {
        if (this.configAdmin == ca) {
            this.configAdmin = null;
        }
    }

    // ----------------------------------------------------------------------------------------
    // The tunables.

    /** The tunables' configuration, as DS delivers it at activation and on every change. */
    void configure(TunablesConfig c, Map<String, Object> props) {
        Object s = props.get(SEQ);
        if (s instanceof Number n && n.longValue() < seq) {
            return; // an echo of an older write of ours
        }
        // Checked whole before any of it applies: one bad key (a .cfg in deploy/ with
        // max_ptes_none=abc) rejects the change, rather than failing half-way through it.
        List<String> problems = ConfigCheck.tunables(props, tunables, false);
        if (!problems.isEmpty()) {
            LOG.error("configuration {} rejected, nothing of it applied: {}", MmRuntime.TUNABLES_PID, String.join("; ", problems));
            return;
        }
        String[][] values = {
            {"enabled", c.enabled()}, {"defrag", c.defrag()},
            {"use_zero_page", Integer.toString(c.use__zero__page())},
            {"promotion_threshold", Integer.toString(c.promotion__threshold())},
            {"khugepaged/defrag", Integer.toString(c.khugepaged_defrag())},
            {"khugepaged/max_ptes_none", Integer.toString(c.khugepaged_max__ptes__none())},
            {"khugepaged/max_ptes_swap", Integer.toString(c.khugepaged_max__ptes__swap())},
            {"khugepaged/max_ptes_shared", Integer.toString(c.khugepaged_max__ptes__shared())},
            {"khugepaged/pages_to_scan", Long.toString(c.khugepaged_pages__to__scan())},
            {"khugepaged/scan_sleep_millisecs", Long.toString(c.khugepaged_scan__sleep__millisecs())},
            {"khugepaged/alloc_sleep_millisecs", Long.toString(c.khugepaged_alloc__sleep__millisecs())},
        };
        for (String[] kv : values) {
            try {
                tunables.set(kv[0], kv[1]);
            } catch (MmUsageException e) {
                LOG.warn("configuration {}: {}", MmRuntime.TUNABLES_PID, e.getMessage());
            }
        }
    }

    /** Writes the tunables to Configuration Admin, so config: commands and a restart see them. */
    void persistTunables() {
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            return;
        }
        try {
            Configuration c = ca.getConfiguration(MmRuntime.TUNABLES_PID, "?");
            Dictionary<String, Object> d = new Hashtable<>();
            tunables.all().forEach((k, v) -> {
                if (!ThpTunables.readOnly(k)) {
                    d.put(property(k), value(v));
                }
            });
            d.put(SEQ, ++seq);
            c.updateIfDifferent(d);
        } catch (IOException e) {
            LOG.warn("cannot persist tunables: {}", e.toString());
        }
    }

    /** @return the configuration property of a sysfs knob path */
    private static String property(String knob) {
        return knob.replace('/', '.');
    }

    /** @return the configuration value of a knob as sysfs shows it (the selected word of a choice) */
    private static Object value(String shown) {
        int open = shown.indexOf('[');
        if (open >= 0) {
            return shown.substring(open + 1, shown.indexOf(']'));
        }
        try {
            return Long.valueOf(shown);
        } catch (NumberFormatException e) {
            return shown;
        }
    }

    // ----------------------------------------------------------------------------------------
    // The selection.

    /** A selection configuration as delivered: the property named after its kind selects or enables. */
    void applySelection(Map<String, Object> props) {
        for (PolicyKind kind : PolicyKind.values()) {
            Object v = props.get(kind.id());
            if (v == null) {
                continue;
            }
            Object s = props.get(kind.id() + ".seq");
            Long last = written.get(kind);
            if (s instanceof Number n && last != null && n.longValue() < last) {
                continue;
            }
            List<String> problems = ConfigCheck.selection(kind, Map.of(kind.id(), v), registry, false);
            if (!problems.isEmpty()) {
                LOG.error("configuration {} rejected: {}", kind.pid(), String.join("; ", problems));
                continue;
            }
            if (!kind.single()) {
                selection.configureEnabled(kind, new TreeSet<>(names(v)), registry);
            } else {
                String name = String.valueOf(v).trim();
                if (!name.isEmpty()) {
                    selection.configureSelected(kind, name, registry);
                }
            }
        }
    }

    /** The names in a set's value: a String[] or collection (config:set), or a comma-separated string (.cfg). */
    static List<String> names(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String[] a) {
            for (String x : a) {
                out.addAll(names(x));
            }
        } else if (v instanceof Collection<?> c) {
            for (Object x : c) {
                out.addAll(names(x));
            }
        } else {
            for (String x : String.valueOf(v).split(",")) {
                if (!x.isBlank()) {
                    out.add(x.trim());
                }
            }
        }
        return out;
    }

    /** Writes the selection of a kind to its configuration. */
    void persistSelection(PolicyKind kind) {
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            return;
        }
        Object value = selection.selection(kind, registry);
        try {
            Configuration c = ca.getConfiguration(kind.pid(), "?");
            Dictionary<String, Object> d = new Hashtable<>();
            d.put(kind.id(), value);
            long n = ++policySeq;
            d.put(kind.id() + ".seq", n);
            written.put(kind, n);
            c.update(d);
        } catch (IOException e) {
            LOG.warn("cannot persist the {} policy selection: {}", kind.id(), e.toString());
        }
    }
}
