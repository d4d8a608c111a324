package org.thplab.workload.common;

import java.util.Map;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;

/** A workload's checks of its values, each refusal naming the workload, the parameter and the value. */
public final class Params {
    private final String workload;
    private final Map<String, String> values;

    public Params(String workload, Map<String, String> values) {
        this.workload = workload;
        this.values = values;
    }

    /** @return the parameter's whole-number value, checked to lie in [min, max] */
    public long number(String name, long min, long max) {
        long v = Long.parseLong(values.get(name));
        if (v < min || v > max) {
            throw new MmUsageException("run " + workload + ": " + name + " must be from " + min + " to " + max + ", not " + v);
        }
        return v;
    }

    /** @return the parameter's size in bytes, checked to be a multiple of {@code unit} in [min, max] */
    public long size(String name, long unit, long min, long max) {
        long v = Long.parseLong(values.get(name));
        if (v % unit != 0 || v < min || v > max) {
            throw new MmUsageException("run " + workload + ": " + name + " must be a multiple of " + (unit >> 10) + "K from "
                    + (min >> 10) + "K to " + (max >> 10) + "K, not " + v + " bytes");
        }
        return v;
    }

    /** @return the parameter's decimal value, checked to lie in [min, max] */
    public double decimal(String name, double min, double max) {
        String w = values.get(name);
        double v;
        try {
            v = Double.parseDouble(w);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v >= min && v <= max)) {
            throw new MmUsageException("run " + workload + ": " + name + " must be a number from " + min + " to " + max
                    + ", not '" + w + "'");
        }
        return v;
    }

    /** Boots the machine for the run; a refusal of its size comes back in the workload's words. */
    public void boot(MachineOps m, long size, long seed) {
        try {
            m.boot(size, 0, seed);
        } catch (MmUsageException e) {
            throw new MmUsageException("run " + workload + ": size=" + size + ": " + e.getMessage());
        }
    }
}
