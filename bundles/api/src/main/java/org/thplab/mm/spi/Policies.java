package org.thplab.mm.spi;

/**
 * The service property names and kind values of a policy service, as strings, for code that
 * registers or looks up policy services by hand: the core, tests that register a service
 * through the framework, an embedded runtime. A Declarative Services component names itself
 * with {@link Policy @Policy} instead, which gives the same properties.
 */
public final class Policies {
    /** Service property naming the kind: one of the {@code KIND_*} values. */
    public static final String KIND = Policy.PREFIX_ + "kind";
    /** Service property naming the policy within its kind, e.g. {@code thp}. */
    public static final String NAME = Policy.PREFIX_ + "name";

    /** {@link Policy.Kind#allocation}: {@link org.thplab.mm.spi.alloc.AllocationPolicy}. */
    public static final String KIND_ALLOCATION = "allocation";
    /** {@link Policy.Kind#fault}: {@link org.thplab.mm.spi.fault.FaultPolicy}. */
    public static final String KIND_FAULT = "fault";
    /** {@link Policy.Kind#promotion}: {@link org.thplab.mm.spi.promote.PromotionPolicy}. */
    public static final String KIND_PROMOTION = "promotion";
    /** {@link Policy.Kind#reclaim}: {@link org.thplab.mm.spi.reclaim.ReclaimPolicy}. */
    public static final String KIND_RECLAIM = "reclaim";
    /** {@link Policy.Kind#cow}: {@link org.thplab.mm.spi.cow.CowPolicy}. */
    public static final String KIND_COW = "cow";

    private Policies() {
    }
}
