package org.thplab.mm.api;

/**
 * A command was misused: an unknown process or region, a malformed size, a knob value outside the
 * kernel's range. The machine is left exactly as it was before the call.
 */
public class MmUsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message names the problem, e.g. {@code no process 'p9'} */
    public MmUsageException(String message) {
        super(message);
    }
}
