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
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.core.policy.ActivePolicies;
import org.thplab.mm.core.mm.Machine;
import org.thplab.mm.core.policy.PolicyKind;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;

/**
 * The policies of each kind: registered (as services, or by hand when embedded), selected (one
 * per kind) or enabled (each of a set), and disabled by containment; and from these, the
 * policies of the next operation. A selection names a policy, not a service, so a policy that
 * leaves and comes back under its name is active again. Not thread-safe: the runtime calls it
 * holding its monitor.
 */
final class PolicyRegistry {
    /** The runtime's log, as before the runtime was split into several classes. */
    private static final Logger LOG = LoggerFactory.getLogger(MmRuntime.class);

    private record Registered(String name, Object service, String bundle, String version, long serviceId) {
        String describe() {
            return name + " (" + bundle + " " + version + ")";
        }
    }

    private final Map<PolicyKind, TreeMap<String, Registered>> registered = new EnumMap<>(PolicyKind.class);
    /** The selected policy of each kind with one active policy. */
    private final Map<PolicyKind, String> selected = new EnumMap<>(PolicyKind.class);
    /** For a kind with a set: explicit enable (true) or disable (false) by name; others follow the set below. */
    private final Map<PolicyKind, Map<String, Boolean>> choice = new EnumMap<>(PolicyKind.class);
    /** For a kind with a set: the enabled policies its configuration names; absent, the kind's defaults. */
    private final Map<PolicyKind, Set<String>> configured = new EnumMap<>(PolicyKind.class);
    /** Policies stopped by containment: by service object, the reason. */
    private final Map<Object, String> broken = new IdentityHashMap<>();

    /** Bumped by every change of what current() returns: registrations, selection, failures. */
    private long epoch;
    private long cachedEpoch = -1;
    private ActivePolicies cached;

    PolicyRegistry() {
        for (PolicyKind k : PolicyKind.values()) {
            registered.put(k, new TreeMap<>());
            if (k.single()) {
                selected.put(k, k.defaultPolicy());
            } else {
                choice.put(k, new TreeMap<>());
            }
        }
    }

    /** A policy service arrived (SCR's bind). */
    void add(PolicyKind kind, Object service, ServiceReference<?> ref) {
        Object n = ref.getProperty(Policies.NAME);
        String name = n == null ? service.getClass().getSimpleName() : n.toString();
        var b = ref.getBundle();
        Registered r = new Registered(name, service, b == null ? "?" : b.getSymbolicName(),
                b == null ? "?" : b.getVersion().toString(), (Long) ref.getProperty(Constants.SERVICE_ID));
        Registered old = registered.get(kind).put(name, r);
        epoch++;
        if (old != null) {
            LOG.warn("{} policy '{}' from {} replaces the one from {}", kind.id(), name, r.bundle, old.bundle);
        }
        LOG.info("{} policy '{}' registered by {} {}", kind.id(), name, r.bundle, r.version);
    }

    /** A policy without a service registry (embedded runtime). */
    void register(PolicyKind kind, String name, Object service) {
        TreeMap<String, Registered> of = registered.get(kind);
        of.put(name, new Registered(name, service, "embedded", "0", -of.size() - 1));
        epoch++;
    }

    /** A policy service left (SCR's unbind). */
    void remove(PolicyKind kind, ServiceReference<?> ref) {
        Object id = ref.getProperty(Constants.SERVICE_ID);
        Registered gone = null;
        for (Registered r : registered.get(kind).values()) {
            if (r.serviceId == (Long) id) {
                gone = r;
            }
        }
        if (gone == null) {
            return;
        }
        registered.get(kind).remove(gone.name);
        broken.remove(gone.service);
        epoch++;
        boolean active = enabled(kind, gone.name);
        LOG.info("{} policy '{}' ({} {}) unregistered{}", kind.id(), gone.name, gone.bundle, gone.version,
                active && activeCount(kind) == 0 ? "; " + kind.id() + " now served by the fallback: " + kind.fallback() : "");
    }

    /** Policies of a kind that would serve the next operation. */
    private int activeCount(PolicyKind kind) {
        int n = 0;
        for (Registered r : registered.get(kind).values()) {
            if (enabled(kind, r.name) && !broken.containsKey(r.service)) {
                n++;
            }
        }
        return n;
    }

    /** Whether the policy called name is selected (or, in a set, enabled), registered or not. */
    private boolean enabled(PolicyKind kind, String name) {
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
    private TreeSet<String> enabledNames(PolicyKind kind) {
        TreeSet<String> names = new TreeSet<>(registered.get(kind).keySet());
        names.addAll(choice.get(kind).keySet());
        names.addAll(configured.getOrDefault(kind, kind.defaults()));
        names.removeIf(n -> !enabled(kind, n));
        return names;
    }

    // ----------------------------------------------------------------------------------------
    // Selection: by mm:policy (use) or by configuration (configureSelected, configureEnabled).

    /**
     * {@code mm:policy use|enable|disable}: selects name, or for a kind with a set enables
     * ({@code name} or {@code +name}) or disables ({@code -name}) it. A policy disabled by
     * containment gets another chance.
     */
    void use(PolicyKind kind, String name, Machine machine) {
        boolean enable = kind.single() || !name.startsWith("-");
        String n = !kind.single() && (name.startsWith("+") || name.startsWith("-")) ? name.substring(1) : name;
        TreeMap<String, Registered> candidates = registered.get(kind);
        if (!candidates.containsKey(n)) {
            throw new MmUsageException("policy: no " + kind.id() + " policy '" + n + "' (candidates: "
                    + (candidates.isEmpty() ? "none" : String.join(", ", candidates.keySet())) + ")");
        }
        if (!kind.single()) {
            choice.get(kind).put(n, enable);
            epoch++;
            if (enable) {
                forgive(kind, n, machine);
            }
            return;
        }
        selected.put(kind, n);
        epoch++;
        forgive(kind, n, machine);
        LOG.info("{} policy '{}' selected", kind.id(), n);
    }

    /** A kind's configuration selects name (not necessarily registered). */
    void configureSelected(PolicyKind kind, String name) {
        if (name.equals(selected.get(kind))) {
            return;
        }
        selected.put(kind, name);
        epoch++;
        LOG.info("{} policy '{}' selected by configuration {}{}", kind.id(), name, kind.pid(),
                registered.get(kind).containsKey(name) ? "" : "; it is not registered: the fallback serves until it is");
    }

    /** A set kind's configuration enables exactly these policies, replacing every mm:policy choice. */
    void configureEnabled(PolicyKind kind, SortedSet<String> names) {
        boolean same = names.equals(enabledNames(kind));
        configured.put(kind, names);
        choice.get(kind).clear();
        epoch++;
        if (!same) {
            LOG.info("{} policies {} enabled by configuration {}", kind.id(), names, kind.pid());
        }
    }

    /** The selection of a kind as its configuration holds it: a name, or the enabled names. */
    Object selection(PolicyKind kind) {
        return kind.single() ? selected.get(kind) : enabledNames(kind).toArray(new String[0]);
    }

    // ----------------------------------------------------------------------------------------
    // Containment.

    /** Disables the policies the machine reports as failed: logged, shown by mm:policy, fallback from now on. */
    void disable(List<org.thplab.mm.core.policy.PolicyFailure> failures) {
        for (org.thplab.mm.core.policy.PolicyFailure pf : failures) {
            String who = describe(pf.policy());
            broken.put(pf.policy(), pf.reason());
            epoch++;
            LOG.warn("policy {} disabled: {}", who, pf.reason());
        }
    }

    private String describe(Object service) {
        for (var e : registered.entrySet()) {
            for (Registered r : e.getValue().values()) {
                if (r.service == service) {
                    return e.getKey().id() + " '" + r.name + "' (" + r.bundle + " " + r.version + ")";
                }
            }
        }
        return service.getClass().getName();
    }

    private void forgive(PolicyKind kind, String name, Machine machine) {
        Registered r = registered.get(kind).get(name);
        if (r != null && broken.remove(r.service) != null && machine != null) {
            epoch++;
            machine.forgive(r.service);
        }
    }

    // ----------------------------------------------------------------------------------------
    // What serves the next operation, and what mm:policy shows.

    /** The policies for the next operation (cached until something changes them). */
    ActivePolicies current() {
        if (cachedEpoch == epoch) {
            return cached;
        }
        cached = computeCurrent();
        cachedEpoch = epoch;
        return cached;
    }

    private ActivePolicies computeCurrent() {
        List<PromotionPolicy> promoters = new ArrayList<>();
        for (Object p : active(PolicyKind.PROMOTION)) {
            promoters.add((PromotionPolicy) p);
        }
        // ActivePolicies has a field of its own type per kind, so each kind is named here once.
        return new ActivePolicies((AllocationPolicy) one(PolicyKind.ALLOCATION), (FaultPolicy) one(PolicyKind.FAULT),
                (CowPolicy) one(PolicyKind.COW), (ReclaimPolicy) one(PolicyKind.RECLAIM), promoters);
    }

    /** The services of a kind that serve the next operation, in name order. */
    private List<Object> active(PolicyKind kind) {
        List<Object> out = new ArrayList<>();
        registered.get(kind).forEach((name, r) -> {
            if (enabled(kind, name) && !broken.containsKey(r.service)) {
                out.add(r.service);
            }
        });
        return out;
    }

    /** The service that serves a kind with one active policy, or null for its fallback. */
    private Object one(PolicyKind kind) {
        Registered r = registered.get(kind).get(selected.get(kind));
        return r == null || broken.containsKey(r.service) ? null : r.service;
    }

    List<PolicyInfo> policies() {
        List<PolicyInfo> out = new ArrayList<>();
        for (PolicyKind kind : PolicyKind.values()) {
            List<String> active = new ArrayList<>();
            List<String> cands = new ArrayList<>();
            for (Registered r : registered.get(kind).values()) {
                String why = broken.get(r.service);
                cands.add(r.describe() + (why == null ? "" : " [disabled: " + why + "]"));
                if (enabled(kind, r.name) && why == null) {
                    active.add(r.describe());
                }
            }
            out.add(new PolicyInfo(kind.id(), active, cands, kind.fallback()));
        }
        return out;
    }
}
