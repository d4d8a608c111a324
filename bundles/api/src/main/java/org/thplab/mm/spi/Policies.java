package org.thplab.mm.spi;

/** Service property names and kind values shared by every policy. */
public final class Policies {
    /** Service property naming the kind: one of the {@code KIND_*} values. */
    public static final String KIND = "policy.kind";
    /** Service property naming the policy within its kind, e.g. {@code thp}. */
    public static final String NAME = "policy.name";

    public static final String KIND_ALLOCATION = "allocation";
    public static final String KIND_FAULT = "fault";
    public static final String KIND_PROMOTION = "promotion";
    public static final String KIND_RECLAIM = "reclaim";
    public static final String KIND_COW = "cow";

    private Policies() {
    }
}
