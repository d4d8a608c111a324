package org.thplab.mm.sweep;

import java.io.Serializable;
import java.util.List;

/**
 * One cell of a sweep: its index in the expansion (from 0), its seed, and one value of each
 * crossed dimension, in the spec's order ({@link SweepSpec#cross()}).
 */
public record Cell(int index, long seed, List<String> values) implements Serializable {
    public Cell {
        values = List.copyOf(values);
    }
}
