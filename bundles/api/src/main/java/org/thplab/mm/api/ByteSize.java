package org.thplab.mm.api;

/**
 * Sizes as every front end takes them (the shell, sweep specs, the web API, access patterns):
 * bytes, or a whole number with one binary suffix K, M, G or T in either case ({@code 4096},
 * {@code 64M}, {@code 4g}), as the kernel's memparse() reads its suffixes (lib/cmdline.c; thplab
 * takes neither a sign, hexadecimal nor P and E). Each caller names its own misuse: this only
 * reads the word.
 */
public final class ByteSize {
    private ByteSize() {
    }

    /** @return the bytes {@code s} names, or -1 when it is not a size or does not fit in a long */
    public static long parse(String s) {
        if (s == null || s.isEmpty()) {
            return -1;
        }
        int shift = switch (s.charAt(s.length() - 1)) {
            case 'K', 'k' -> 10;
            case 'M', 'm' -> 20;
            case 'G', 'g' -> 30;
            case 'T', 't' -> 40;
            default -> 0;
        };
        int end = shift == 0 ? s.length() : s.length() - 1;
        if (end == 0) {
            return -1;
        }
        for (int i = 0; i < end; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1; // digits only: Long.parseLong would take a sign
            }
        }
        long v;
        try {
            v = Long.parseLong(s, 0, end, 10);
        } catch (NumberFormatException e) {
            return -1; // more than a long holds
        }
        return v > Long.MAX_VALUE >> shift ? -1 : v << shift;
    }

    /** @return {@code bytes} in the largest unit that divides them, as {@link #parse} reads it back: {@code 4G}, {@code 512M}, {@code 0} */
    public static String format(long bytes) {
        String[] units = {"T", "G", "M", "K"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (40 - 10 * i);
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
