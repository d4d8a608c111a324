package org.thplab.mm.sweep;

import java.util.Locale;

/** Sizes as the shell's commands take them: bytes, or a binary K/M/G/T suffix ({@code 4096}, {@code 64M}, {@code 4G}). */
final class Sizes {
    private Sizes() {
    }

    /** @throws SpecException naming {@code what} and the word */
    static long bytes(String what, String s) {
        String t = s == null ? "" : s.strip().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                case 'T' -> mult = 1L << 40;
                default -> { }
            }
        }
        String digits = mult == 1 ? t : t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(digits);
            if (v >= 0) {
                return Math.multiplyExact(v, mult);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // below
        }
        throw new SpecException(what + ": bad size '" + s + "' (bytes, or a K/M/G/T suffix: 64M, 4G)");
    }
}
