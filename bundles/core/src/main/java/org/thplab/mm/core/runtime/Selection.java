package org.thplab.mm.core.runtime;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.core.mm.Machine;
import org.thplab.mm.core.policy.ActivePolicies;
import org.thplab.mm.core.policy.PolicyFailure;
import org.thplab.mm.core.policy.PolicyKind;
import org.thplab.mm.core.runtime.PolicyRegistry.Registered;

/**
 * One machine's policy selection: the policy selected for each kind with one active policy, the
 * promoters enabled (each of a set), and the policies disabled on this machine by containment. A
 * selection names a policy, not a service, so a policy that leaves and comes back under its name
 * is active again. Machines share the registered policies ({@link PolicyRegistry}), never a
 * selection: a policy that misbehaves on one machine is disabled there only, so what happens on
 * one machine cannot change another's results. Not thread-safe: its machine's lock guards it.
 */
final class Selection {
    /** The runtime's log, as before the runtime was split into several classes. */
    private static final Logger LOG = LoggerFactory.getLogger(MmRuntime.class);

    /** Appended to log lines: empty for the default machine, else " on machine NAME". */
    private final String where;
    /** The selected policy of each kind with one active policy. */
    private final Map<PolicyKind, String> selected = new EnumMap<>(PolicyKind.class);
    /** For a kind with a set: explicit enable (true) or disable (false) by name; others follow the set below. */
    private final Map<PolicyKind, Map<String, Boolean>> choice = new EnumMap<>(PolicyKind.class);
    /** For a kind with a set: the enabled policies its configuration names; absent, the kind's defaults. */
    private final Map<PolicyKind, Set<String>> configured = new EnumMap<>(PolicyKind.class);
    /** Policies stopped by containment on this machine: by service object, the reason. */
    private final Map<Object, String> broken = new IdentityHashMap<>();

    /** Bumped by every change of what the machine's next operation uses. */
    private long epoch;
    private long cachedEpoch = -1;
    private long cachedRegistryEpoch = -1;
    private ActivePolicies cached;

    /** Linux's selection: each kind's defaults. */
    Selection(String where) {
        this.where = where;
        for (PolicyKind k : PolicyKind.values()) {
            if (k.single()) {
                selected.put(k, k.defaultPolicy());
            } else {
                choice.put(k, new TreeMap<>());
            }
        }
    }

    /** A new machine's selection: this one's choices (not its containment), logged as {@code where}. */
    Selection copy(String where) {
        Selection s = new Selection(where);
        s.selected.putAll(selected);
        choice.forEach((k, c) -> s.choice.get(k).putAll(c));
        configured.forEach((k, names) -> s.configured.put(k, new TreeSet<>(names)));
        return s;
    }

    // ----------------------------------------------------------------------------------------
    // What the registry asks when it makes the policies of the next operation.

    /** @return the cached policies, or null when the selection or the registry changed since */
    ActivePolicies cached(long registryEpoch) {
        return cachedEpoch == epoch && cachedRegistryEpoch == registryEpoch ? cached : null;
    }

    void cache(long registryEpoch, ActivePolicies p) {
        cached = p;
        cachedEpoch = epoch;
        cachedRegistryEpoch = registryEpoch;
    }

    /** @return the policy selected for a kind with one active policy (registered or not) */
    String selected(PolicyKind kind) {
        return selected.get(kind);
    }

    /** @return true when containment disabled the service on this machine */
    boolean broken(Object service) {
        return !broken.isEmpty() && broken.containsKey(service);
    }

    /** Whether the policy called name is selected (or, in a set, enabled), registered or not. */
    boolean enabled(PolicyKind kind, String name) {
        if (kind.single()) {
            return name.equals(selected.get(kind));
        }
        Boolean c = choice.get(kind).get(name);
        if (c != null) {
            return c;
        }
        return configured.getOrDefault(kind, kind.defaults()).contains(name);
    }

    /** The names of a set's enabled policies, registered or not. */
    private TreeSet<String> enabledNames(PolicyKind kind, PolicyRegistry registry) {
        TreeSet<String> names = new TreeSet<>();
        for (Registered r : registry.of(kind)) {
            names.add(r.name());
        }
        names.addAll(choice.get(kind).keySet());
        names.addAll(configured.getOrDefault(kind, kind.defaults()));
        names.removeIf(n -> !enabled(kind, n));
        return names;
    }

    /** Policies of a kind that would serve the next operation. */
    int activeCount(PolicyKind kind, PolicyRegistry registry) {
        int n = 0;
        for (Registered r : registry.of(kind)) {
            if (enabled(kind, r.name()) && !broken(r.service())) {
                n++;
            }
        }
        return n;
    }

    // ----------------------------------------------------------------------------------------
    // Selection: by mm:policy (use) or by configuration (configureSelected, configureEnabled).

    /**
     * {@code mm:policy use|enable|disable}: selects name, or for a kind with a set enables
     * ({@code name} or {@code +name}) or disables ({@code -name}) it. A policy disabled by
     * containment gets another chance.
     */
    void use(PolicyKind kind, String name, PolicyRegistry registry, Machine machine) {
        boolean enable = kind.single() || !name.startsWith("-");
        String n = !kind.single() && (name.startsWith("+") || name.startsWith("-")) ? name.substring(1) : name;
        Registered r = registry.get(kind, n);
        if (r == null) {
            List<String> candidates = new ArrayList<>();
            for (Registered c : registry.of(kind)) {
                candidates.add(c.name());
            }
            throw new MmUsageException("policy: no " + kind.id() + " policy '" + n + "' (candidates: "
                    + (candidates.isEmpty() ? "none" : String.join(", ", candidates)) + ")");
        }
        if (!kind.single()) {
            choice.get(kind).put(n, enable);
            epoch++;
            if (enable) {
                forgive(r, machine);
            }
            return;
        }
        selected.put(kind, n);
        epoch++;
        forgive(r, machine);
        LOG.info("{} policy '{}' selected{}", kind.id(), n, where);
    }

    /** A kind's configuration selects name (not necessarily registered). */
    void configureSelected(PolicyKind kind, String name, PolicyRegistry registry) {
        if (name.equals(selected.get(kind))) {
            return;
        }
        selected.put(kind, name);
        epoch++;
        LOG.info("{} policy '{}' selected by configuration {}{}", kind.id(), name, kind.pid(),
                registry.get(kind, name) != null ? "" : "; it is not registered: the fallback serves until it is");
    }

    /** A set kind's configuration enables exactly these policies, replacing every mm:policy choice. */
    void configureEnabled(PolicyKind kind, SortedSet<String> names, PolicyRegistry registry) {
        boolean same = names.equals(enabledNames(kind, registry));
        configured.put(kind, names);
        choice.get(kind).clear();
        epoch++;
        if (!same) {
            LOG.info("{} policies {} enabled by configuration {}", kind.id(), names, kind.pid());
        }
    }

    /** The selection of a kind as its configuration holds it: a name, or the enabled names. */
    Object selection(PolicyKind kind, PolicyRegistry registry) {
        return kind.single() ? selected.get(kind) : enabledNames(kind, registry).toArray(new String[0]);
    }

    // ----------------------------------------------------------------------------------------
    // Containment.

    /** Disables the policies the machine reports as failed: logged, shown by mm:policy, fallback from now on. */
    void disable(List<PolicyFailure> failures, PolicyRegistry registry) {
        for (PolicyFailure pf : failures) {
            String who = registry.describe(pf.policy());
            broken.put(pf.policy(), pf.reason());
            epoch++;
            LOG.warn("policy {} disabled{}: {}", who, where, pf.reason());
        }
    }

    private void forgive(Registered r, Machine machine) {
        if (broken.remove(r.service()) != null) {
            epoch++;
            if (machine != null) {
                machine.forgive(r.service());
            }
        }
    }

    /** A service left the registry: its containment is forgotten (a new service may come under its name). */
    void forget(Object service) {
        if (broken.remove(service) != null) {
            epoch++;
        }
    }

    // ----------------------------------------------------------------------------------------
    // What mm:policy shows.

    List<PolicyInfo> policies(PolicyRegistry registry) {
        List<PolicyInfo> out = new ArrayList<>();
        for (PolicyKind kind : PolicyKind.values()) {
            List<String> active = new ArrayList<>();
            List<String> cands = new ArrayList<>();
            for (Registered r : registry.of(kind)) {
                String why = broken.get(r.service());
                cands.add(r.describe() + (why == null ? "" : " [disabled: " + why + "]"));
                if (enabled(kind, r.name()) && why == null) {
                    active.add(r.describe());
                }
            }
            out.add(new PolicyInfo(kind.id(), active, cands, kind.fallback()));
        }
        return out;
    }
}
