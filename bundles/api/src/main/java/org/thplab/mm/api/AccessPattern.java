package org.thplab.mm.api;

import java.util.Locale;

/**
 * Which addresses of a region a run of memory accesses goes to. The random patterns draw from
 * the machine's seed, so the same script on the same seed makes the same accesses.
 *
 * <ul>
 * <li>{@code seq}: page after page from the region's start, wrapping at its end (each page once
 *     per pass);
 * <li>{@code stride=<size>}: byte offsets 0, size, 2 size, ... modulo the region's size;
 * <li>{@code uniform}: a page drawn uniformly;
 * <li>{@code zipf=<theta>}: page ranks from a Zipf distribution of exponent theta (rank 1 the
 *     hottest), scattered over the region by a fixed permutation as YCSB's scrambled zipfian
 *     does, so the hot pages do not sit in the first huge pages;
 * <li>{@code hotset=<fraction>:<probability>}: with the probability, a page drawn uniformly
 *     from the first fraction of the region (the hot set, contiguous as YCSB's hotspot
 *     generator keeps it), otherwise one from the rest.
 * </ul>
 *
 * @param kind which pattern
 * @param stride the stride in bytes ({@code stride} only)
 * @param theta the Zipf exponent ({@code zipf} only)
 * @param hotFraction the share of the region that is hot ({@code hotset} only)
 * @param hotProbability the share of accesses that go to the hot set ({@code hotset} only)
 * @since 2.4
 */
public record AccessPattern(Kind kind, long stride, double theta, double hotFraction, double hotProbability) {

    /** The patterns, by their shell names. */
    public enum Kind {
        SEQ, STRIDE, UNIFORM, ZIPF, HOTSET
    }

    public AccessPattern {
        if (kind == null) {
            throw new MmUsageException("access: no pattern");
        }
        if (kind == Kind.STRIDE && stride <= 0) {
            throw new MmUsageException("access: the stride must be a positive size, not " + stride);
        }
        if (kind == Kind.ZIPF && !(theta > 0 && theta <= 10)) {
            throw new MmUsageException("access: the zipf exponent must be above 0 and at most 10, not " + theta);
        }
        if (kind == Kind.HOTSET && !(hotFraction > 0 && hotFraction <= 1 && hotProbability >= 0 && hotProbability <= 1)) {
            throw new MmUsageException("access: hotset=<fraction>:<probability> needs a fraction in (0, 1] and a"
                    + " probability in [0, 1], not " + hotFraction + ":" + hotProbability);
        }
    }

    /** @return the pattern of page after page */
    public static AccessPattern seq() {
        return new AccessPattern(Kind.SEQ, 0, 0, 0, 0);
    }

    /** @return the pattern of uniformly drawn pages */
    public static AccessPattern uniform() {
        return new AccessPattern(Kind.UNIFORM, 0, 0, 0, 0);
    }

    /**
     * Parses a pattern as the shell writes it: {@code seq}, {@code stride=64K}, {@code uniform},
     * {@code zipf=0.99}, {@code hotset=0.1:0.9}. A stride takes a size with an optional K, M or
     * G suffix (plain numbers are bytes).
     *
     * @throws MmUsageException naming what is wrong with the word
     */
    public static AccessPattern parse(String word) {
        String w = word == null ? "" : word.trim().toLowerCase(Locale.ROOT);
        int eq = w.indexOf('=');
        String name = eq < 0 ? w : w.substring(0, eq);
        String arg = eq < 0 ? null : w.substring(eq + 1);
        switch (name) {
            case "seq", "uniform" -> {
                if (arg != null) {
                    throw new MmUsageException("access: pattern '" + name + "' takes no value, not '" + word + "'");
                }
                return name.equals("seq") ? seq() : uniform();
            }
            case "stride" -> {
                return new AccessPattern(Kind.STRIDE, size(word, value(word, arg)), 0, 0, 0);
            }
            case "zipf" -> {
                return new AccessPattern(Kind.ZIPF, 0, number(word, value(word, arg)), 0, 0);
            }
            case "hotset" -> {
                String v = value(word, arg);
                int colon = v.indexOf(':');
                if (colon < 0) {
                    throw new MmUsageException("access: hotset=<fraction>:<probability>, not '" + word + "'");
                }
                return new AccessPattern(Kind.HOTSET, 0, 0, number(word, v.substring(0, colon)),
                        number(word, v.substring(colon + 1)));
            }
            default -> throw new MmUsageException("access: unknown pattern '" + word
                    + "' (seq, stride=<size>, uniform, zipf=<theta>, hotset=<fraction>:<probability>)");
        }
    }

    private static String value(String word, String arg) {
        if (arg == null || arg.isEmpty()) {
            throw new MmUsageException("access: pattern '" + word + "' needs a value after '='");
        }
        return arg;
    }

    private static double number(String word, String s) {
        try {
            double d = Double.parseDouble(s);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new MmUsageException("access: '" + s + "' in pattern '" + word + "' is not a number");
    }

    private static long size(String word, String s) {
        long v = ByteSize.parse(s);
        if (v > 0 && v <= 1L << 42) {
            return v;
        }
        throw new MmUsageException("access: the stride in '" + word + "' must be a positive size up to 4T, not '" + s + "'");
    }

    /** @return the pattern as {@link #parse} reads it */
    @Override
    public String toString() {
        return switch (kind) {
            case SEQ -> "seq";
            case UNIFORM -> "uniform";
            case STRIDE -> "stride=" + stride;
            case ZIPF -> "zipf=" + theta;
            case HOTSET -> "hotset=" + hotFraction + ":" + hotProbability;
        };
    }
}
