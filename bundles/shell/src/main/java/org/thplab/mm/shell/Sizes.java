package org.thplab.mm.shell;

import java.util.Locale;
import org.thplab.mm.api.ByteSize;

/**
 * Parses sizes, durations and numbers as the commands take them. The commands' parameters stay
 * strings and are parsed here, because Gogo would coerce a number itself, differently: it
 * truncates {@code 99999999999} to an int, where a command reports a bad number.
 */
final class Sizes {
    private Sizes() {
    }

    /** Bytes: {@code 4096}, {@code 4K}, {@code 2M}, {@code 1G}, {@code 1T} (binary units). */
    static long bytes(String what, String s) {
        return bytes(what, s, "size");
    }

    /** An offset into a region, in bytes as {@link #bytes} reads them; misuse names it an offset. */
    static long offset(String what, String s) {
        return bytes(what, s, "offset");
    }

    /** The length of a range, in bytes as {@link #bytes} reads them; misuse names it a length. */
    static long length(String what, String s) {
        return bytes(what, s, "length");
    }

    private static long bytes(String what, String s, String kind) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(what + ": missing " + kind);
        }
        if (s.startsWith("-")) {
            throw new IllegalArgumentException(what + ": negative " + kind + " '" + s + "'");
        }
        long v = ByteSize.parse(s);
        if (v < 0) {
            throw new IllegalArgumentException(what + ": bad " + kind + " '" + s + "' (use bytes or a K/M/G/T suffix)");
        }
        return v;
    }

    /** Bytes as {@link #bytes} reads them, in the largest unit that divides them: {@code 4G}, {@code 512M}, {@code 0}. */
    static String format(long bytes) {
        return ByteSize.format(bytes);
    }

    /**
     * Nanoseconds: {@code 500ns}, {@code 10us}, {@code 5ms}, {@code 2s}, {@code 1min}; plain
     * numbers are ms. {@code m} or {@code M} alone is a misuse: M is MiB in a size, and a
     * duration in minutes is written {@code 1min}.
     */
    static long duration(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        long mult;
        String digits;
        if (t.endsWith("ns")) {
            mult = 1;
            digits = t.substring(0, t.length() - 2);
        } else if (t.endsWith("us")) {
            mult = 1_000;
            digits = t.substring(0, t.length() - 2);
        } else if (t.endsWith("ms")) {
            mult = 1_000_000;
            digits = t.substring(0, t.length() - 2);
        } else if (t.endsWith("min")) {
            mult = 60_000_000_000L;
            digits = t.substring(0, t.length() - 3);
        } else if (t.endsWith("s")) {
            mult = 1_000_000_000L;
            digits = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            String n = s.substring(0, s.length() - 1);
            throw new IllegalArgumentException("tick: bad duration '" + s + "' (M means MiB, in sizes; for minutes write "
                    + n + "min)");
        } else {
            mult = 1_000_000;
            digits = t;
        }
        try {
            long v = Long.parseLong(digits);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("tick: bad duration '" + s + "' (use ns, us, ms, s or min)");
        }
    }

    /** A decimal int, as {@link Integer#parseInt} reads it; otherwise a misuse with the message given. */
    static int intValue(String s, String message) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A decimal long, as {@link Long#parseLong} reads it; otherwise a misuse with the message given. */
    static long longValue(String s, String message) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(message);
        }
    }
}
