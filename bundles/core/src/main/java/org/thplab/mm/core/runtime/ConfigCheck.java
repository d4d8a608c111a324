package org.thplab.mm.core.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.policy.PolicyKind;

/**
 * Checks a whole configuration of thplab's before any of it applies: every key of the tunables
 * (org.thplab.mm.tunables, validated as the kernel's store functions validate the sysfs files)
 * or of a policy selection (org.thplab.mm.policy.<kind>). A configuration with one bad key is
 * rejected as a whole, so that a typo never leaves half of a change applied.
 */
final class ConfigCheck {
    /** The tunables' property names (TunablesConfig's, '/' written as '.') in sysfs order. */
    static final List<String> TUNABLE_KEYS = List.of("enabled", "defrag", "use_zero_page", "promotion_threshold",
            "khugepaged.defrag", "khugepaged.max_ptes_none", "khugepaged.max_ptes_swap", "khugepaged.max_ptes_shared",
            "khugepaged.pages_to_scan", "khugepaged.scan_sleep_millisecs", "khugepaged.alloc_sleep_millisecs");

    private ConfigCheck() {
    }

    /** Properties Configuration Admin, FileInstall or thplab itself add: not the user's keys. */
    private static boolean bookkeeping(String key) {
        return key.startsWith("service.") || key.startsWith("felix.") || key.startsWith("component.") || key.startsWith("osgi.")
                || key.equals(SelectionStore.SEQ) || key.endsWith(".seq");
    }

    /**
     * @return the problems of a tunables configuration, checked against a copy of {@code current};
     *         with {@code strictKeys} an unknown key is one (config:set), without it is ignored (DS
     *         delivers the component's own properties with the configuration's)
     */
    static List<String> tunables(Map<String, ?> props, ThpTunables current, boolean strictKeys) {
        List<String> problems = new ArrayList<>();
        ThpTunables scratch = current.copyWritable();
        for (var e : props.entrySet()) {
            String key = e.getKey();
            if (bookkeeping(key)) {
                continue;
            }
            if (!TUNABLE_KEYS.contains(key)) {
                if (!strictKeys) {
                    continue;
                }
                problems.add(key + ": no such tunable (" + String.join(", ", TUNABLE_KEYS) + ")");
                continue;
            }
            String value = single(e.getValue());
            if (value == null) {
                problems.add(key + ": one value, not " + describe(e.getValue()));
                continue;
            }
            try {
                scratch.set(key.replace('.', '/'), value.trim());
            } catch (MmUsageException bad) {
                problems.add(key + "=" + value + ": " + bad.getMessage().replaceFirst("^sysfs: ", ""));
            }
        }
        return problems;
    }

    /**
     * @return the problems of a selection configuration: a single kind takes one policy name; with
     *         {@code strict}, every name must be a registered policy of its kind (a configuration
     *         file may name a policy whose bundle comes later, so delivery is not strict)
     */
    static List<String> selection(PolicyKind kind, Map<String, ?> props, PolicyRegistry registry, boolean strict) {
        List<String> problems = new ArrayList<>();
        for (var e : props.entrySet()) {
            String key = e.getKey();
            if (bookkeeping(key)) {
                continue;
            }
            if (!key.equals(kind.id())) {
                problems.add(key + ": no such property of " + kind.pid() + " (its one property is " + kind.id() + ")");
                continue;
            }
            List<String> names = SelectionStore.names(e.getValue());
            if (kind.single() && names.size() != 1) {
                problems.add(key + ": one " + kind.id() + " policy, not " + describe(e.getValue())
                        + " (registered: " + registered(kind, registry) + ")");
                continue;
            }
            if (strict) {
                for (String n : names) { // a promoter set lists names, as configureEnabled() takes them
                    if (registry.get(kind, n) == null) {
                        problems.add(key + ": no " + kind.id() + " policy '" + n + "' (registered: "
                                + registered(kind, registry) + ")");
                    }
                }
            }
        }
        return problems;
    }

    static String registered(PolicyKind kind, PolicyRegistry registry) {
        StringJoiner j = new StringJoiner(", ");
        registry.of(kind).stream().map(PolicyRegistry.Registered::name).distinct().sorted().forEach(j::add);
        return j.length() == 0 ? "none" : j.toString();
    }

    private static String single(Object v) {
        if (v instanceof String[] a) {
            return a.length == 1 ? a[0] : null;
        }
        if (v instanceof Collection<?> c) {
            return c.size() == 1 ? String.valueOf(c.iterator().next()) : null;
        }
        if (v != null && v.getClass().isArray()) {
            return null;
        }
        return v == null ? null : String.valueOf(v);
    }

    private static String describe(Object v) {
        if (v instanceof String[] a) {
            return a.length + " values (" + String.join(", ", a) + ")";
        }
        if (v instanceof Collection<?> c) {
            return c.size() + " values " + c;
        }
        return String.valueOf(v);
    }
}
