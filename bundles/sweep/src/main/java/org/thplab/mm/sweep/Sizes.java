package org.thplab.mm.sweep;

import org.thplab.mm.api.ByteSize;

/** Sizes as the shell's commands take them ({@link ByteSize}), refused in a spec's words. */
final class Sizes {
    private Sizes() {
    }

    /** @throws SpecException naming {@code what} and the word */
    static long bytes(String what, String s) {
        long v = ByteSize.parse(s == null ? null : s.strip());
        if (v < 0) {
            throw new SpecException(what + ": bad size '" + s + "' (bytes, or a K/M/G/T suffix: 64M, 4G)");
        }
        return v;
    }
}
