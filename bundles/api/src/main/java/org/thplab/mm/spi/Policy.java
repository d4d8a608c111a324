package org.thplab.mm.spi;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Names a policy component: its kind and its name within the kind, as the service properties
 * {@value Policies#KIND} and {@value Policies#NAME} that the core selects it by. Put it next to
 * {@code @Component} on the class that implements the kind's SPI:
 *
 * <pre>{@code
 * @Component
 * @Policy(kind = Policy.Kind.cow, name = "pte")
 * public class PteCowPolicy implements CowPolicy { ... }
 * }</pre>
 *
 * <p>It is a Declarative Services component property type: bnd writes its elements into the
 * component description, prefixed by {@link #PREFIX_}, so the example above gives exactly the
 * properties {@code policy.kind=cow} and {@code policy.name=pte}. A {@code Kind} value becomes
 * the name of the enum constant, which is why the constants are spelled as the kinds are.
 *
 * <p>Retained in the class file only: bnd reads it at build time, and a policy bundle does not
 * import this package for it.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Policy {
    /**
     * The prefix of the property names (DS 1.4, 112.8.2.1): {@link #kind()} is the property
     * {@code policy.kind}, {@link #name()} the property {@code policy.name}.
     */
    String PREFIX_ = "policy.";

    /** @return the kind, the property {@code policy.kind}; the class must provide its SPI */
    Kind kind();

    /**
     * @return the property {@code policy.name}: the policy's name within its kind, e.g. {@code thp}
     *         or {@code utilization}, which {@code policy use} and {@code policy enable} take;
     *         a second service with the same kind and name replaces the first
     */
    String name();

    /**
     * The kinds of policy and the service each provides. A constant's name is the value of
     * {@code policy.kind} (and equals the {@code Policies.KIND_*} constant of the same kind).
     */
    enum Kind {
        /** {@link org.thplab.mm.spi.alloc.AllocationPolicy}: which free block serves a request. */
        allocation,
        /** {@link org.thplab.mm.spi.fault.FaultPolicy}: what an anonymous fault maps. */
        fault,
        /** {@link org.thplab.mm.spi.promote.PromotionPolicy}: a promoter; several may be enabled. */
        promotion,
        /** {@link org.thplab.mm.spi.reclaim.ReclaimPolicy}: the THP memory given back under pressure. */
        reclaim,
        /** {@link org.thplab.mm.spi.cow.CowPolicy}: a write fault on a shared huge page. */
        cow
    }
}
