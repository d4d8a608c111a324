package org.thplab.mm.sweep;

/**
 * A spec that cannot run as written: a bad key or value, found before any cell runs, or a measure
 * that no cell can give, found when the first cell ends. The message names the problem.
 */
public class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SpecException(String message) {
        super(message);
    }
}
