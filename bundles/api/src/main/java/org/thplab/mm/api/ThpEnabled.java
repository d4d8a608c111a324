package org.thplab.mm.api;

/** Values of /sys/kernel/mm/transparent_hugepage/enabled. */
public enum ThpEnabled {
    ALWAYS, MADVISE, NEVER;

    /** @return the sysfs spelling */
    public String sysfs() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
