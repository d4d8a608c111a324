package org.thplab.mm.core.runtime;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thplab.mm.core.policy.ActivePolicies;
import org.thplab.mm.core.policy.PolicyKind;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;

/**
 * The policy services of each kind, shared by every machine: registered as services (or by hand
 * when embedded) and gone again. Which of them serve a machine is that machine's own
 * {@link Selection}; from the two, {@link #current} makes the policies of the machine's next
 * operation. Thread-safe: services come and go on SCR's threads while machines run on theirs.
 * Every method holds this registry's monitor briefly and takes no other lock inside it (a machine
 * calls in holding its own lock, never the other way round).
 */
final class PolicyRegistry {
    /** The runtime's log, as before the runtime was split into several classes. */
    private static final Logger LOG = LoggerFactory.getLogger(MmRuntime.class);

    record Registered(String name, Object service, String bundle, String version, long serviceId) {
        String describe() {
            return name + " (" + bundle + " " + version + ")";
        }
    }

    private final Map<PolicyKind, TreeMap<String, Registered>> registered = new EnumMap<>(PolicyKind.class);
    /** Bumped by every registration and unregistration: a machine's cached policies are then stale. */
    private long epoch;

    PolicyRegistry() {
        for (PolicyKind k : PolicyKind.values()) {
            registered.put(k, new TreeMap<>());
        }
    }

    /** A policy service arrived (SCR's bind). */
    synchronized void add(PolicyKind kind, Object service, ServiceReference<?> ref) {
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
    synchronized void register(PolicyKind kind, String name, Object service) {
        TreeMap<String, Registered> of = registered.get(kind);
        of.put(name, new Registered(name, service, "embedded", "0", -of.size() - 1));
        epoch++;
    }

    /**
     * A policy service left (SCR's unbind).
     *
     * @return the policy that left, or null when it was not registered (replaced meanwhile)
     */
    synchronized Registered remove(PolicyKind kind, ServiceReference<?> ref) {
        Object id = ref.getProperty(Constants.SERVICE_ID);
        Registered gone = null;
        for (Registered r : registered.get(kind).values()) {
            if (r.serviceId == (Long) id) {
                gone = r;
            }
        }
        if (gone != null) {
            registered.get(kind).remove(gone.name);
            epoch++;
        }
        return gone;
    }

    /** @return the policies of a kind, in name order */
    synchronized List<Registered> of(PolicyKind kind) {
        return new ArrayList<>(registered.get(kind).values());
    }

    /** @return the policy of a kind called name, or null */
    synchronized Registered get(PolicyKind kind, String name) {
        return registered.get(kind).get(name);
    }

    /** @return how the registry names a service in a log line: kind, name, bundle and version */
    synchronized String describe(Object service) {
        for (var e : registered.entrySet()) {
            for (Registered r : e.getValue().values()) {
                if (r.service == service) {
                    return e.getKey().id() + " '" + r.name + "' (" + r.bundle + " " + r.version + ")";
                }
            }
        }
        return service.getClass().getName();
    }

    // ----------------------------------------------------------------------------------------
    // What serves a machine's next operation.

    /**
     * The policies for the next operation of the machine whose selection this is (cached in the
     * selection until it or the registry changes). The caller holds that machine's lock.
     */
    synchronized ActivePolicies current(Selection s) {
        ActivePolicies p = s.cached(epoch);
        if (p == null) {
            p = computeCurrent(s);
            s.cache(epoch, p);
        }
        return p;
    }

    private ActivePolicies computeCurrent(Selection s) {
        List<PromotionPolicy> promoters = new ArrayList<>();
        for (Object p : active(PolicyKind.PROMOTION, s)) {
            promoters.add((PromotionPolicy) p);
        }
        // ActivePolicies has a field of its own type per kind, so each kind is named here once.
        return ActivePolicies.of((AllocationPolicy) one(PolicyKind.ALLOCATION, s), (FaultPolicy) one(PolicyKind.FAULT, s),
                (CowPolicy) one(PolicyKind.COW, s), (ReclaimPolicy) one(PolicyKind.RECLAIM, s), promoters);
    }

    /** The services of a kind that serve the machine's next operation, in name order. */
    private List<Object> active(PolicyKind kind, Selection s) {
        List<Object> out = new ArrayList<>();
        registered.get(kind).forEach((name, r) -> {
            if (s.enabled(kind, name) && !s.broken(r.service)) {
                out.add(r.service);
            }
        });
        return out;
    }

    /** The service that serves a kind with one active policy, or null for its fallback. */
    private Object one(PolicyKind kind, Selection s) {
        Registered r = registered.get(kind).get(s.selected(kind));
        return r == null || s.broken(r.service) ? null : r.service;
    }
}
