package org.thplab.mm.api;

/**
 * One parameter of a workload, given as {@code name=value} to {@link Workloads#run}.
 *
 * @param name         the parameter's name
 * @param type         how its value is written
 * @param defaultValue the value when it is not given, written as {@link Type} says
 * @param description  what it sets, one line
 * @since 2.2
 */
public record WorkloadParameter(String name, Type type, String defaultValue, String description) {
    /** How a value is written. */
    public enum Type {
        /** Bytes as a decimal integer; the shell also takes a suffix (K, M, G, T). */
        SIZE,
        /** A decimal integer. */
        NUMBER,
        /** A word, one of those the description names. */
        WORD
    }
}
