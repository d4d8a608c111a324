package org.thplab.mm.core.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;

/**
 * The kinds of policy, in the order {@code mm:policy} shows them, and what the runtime needs to
 * know about each: its name ({@code policy.kind}), its SPI, what Linux uses unless told otherwise,
 * what the machine's built-in fallback does when no policy of the kind is active, and the
 * Configuration Admin PID that holds its selection.
 */
public enum PolicyKind {
    ALLOCATION(Policies.KIND_ALLOCATION, AllocationPolicy.class, true,
            "buddy free lists and direct reclaim, no compaction", "buddy"),
    FAULT(Policies.KIND_FAULT, FaultPolicy.class, true, "base pages only", "mthp"),
    /**
     * Several promoters run side by side. Linux's khugepaged and MADV_COLLAPSE, and the
     * reservation promoter (which acts only on reservations), are enabled as they register; any
     * other promoter registers disabled until it is enabled.
     */
    PROMOTION(Policies.KIND_PROMOTION, PromotionPolicy.class, false, "no promotion",
            "khugepaged", "madv-collapse", "reservation"),
    RECLAIM(Policies.KIND_RECLAIM, ReclaimPolicy.class, true, "release everything THP-related on pressure",
            "lru-shrinker"),
    COW(Policies.KIND_COW, CowPolicy.class, true, "4 KiB CoW", "pte");

    /** The selection of kind {@code k} is the configuration {@code PID_PREFIX + k}. */
    public static final String PID_PREFIX = "org.thplab.mm.policy.";

    private final String id;
    private final Class<?> spi;
    private final boolean single;
    private final String fallback;
    private final Set<String> defaults;

    PolicyKind(String id, Class<?> spi, boolean single, String fallback, String... defaults) {
        this.id = id;
        this.spi = spi;
        this.single = single;
        this.fallback = fallback;
        this.defaults = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(defaults)));
    }

    /** @return the kind as services ({@link Policies#KIND}), commands and configurations name it */
    public String id() {
        return id;
    }

    /** @return the service interface a policy of this kind implements */
    public Class<?> spi() {
        return spi;
    }

    /** @return true if one policy of the kind is active at a time, false if a set is (promotion) */
    public boolean single() {
        return single;
    }

    /** @return the policy selected at start, for a kind with one active policy */
    public String defaultPolicy() {
        if (!single) {
            throw new IllegalStateException(id + " has a set of default policies, not one");
        }
        return defaults.iterator().next();
    }

    /** @return the policies active at start: the default policy, or the default set */
    public Set<String> defaults() {
        return defaults;
    }

    /** @return what the machine's built-in fallback does when no policy of the kind is active */
    public String fallback() {
        return fallback;
    }

    /** @return the Configuration Admin PID of the kind's selection */
    public String pid() {
        return PID_PREFIX + id;
    }

    /**
     * @param id a kind as {@link #id()} names it
     * @throws IllegalArgumentException naming the kinds there are, if there is none called id
     */
    public static PolicyKind of(String id) {
        List<String> ids = new ArrayList<>();
        for (PolicyKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
            ids.add(k.id);
        }
        throw new IllegalArgumentException("unknown kind '" + id + "' (" + String.join(", ", ids) + ")");
    }
}
