package org.thplab.mm.core.vma;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The task list: live processes by name in creation order (for_each_process()), every address
 * space by id (the live ones and exited ones still on khugepaged's list), and the rmap families.
 */
public final class Tasks {
    public final Map<String, AddressSpace> procs = new LinkedHashMap<>();
    public final Map<Integer, AddressSpace> mms = new TreeMap<>();
    public final List<Family> families = new ArrayList<>();
    private int nextMmId = 1;

    /** @return a new pid */
    public int nextId() {
        return nextMmId++;
    }

    /** @return the address space with that id, live or lingering; throws for an unknown id */
    public AddressSpace any(int id) {
        AddressSpace mm = mms.get(id);
        if (mm == null) {
            throw new IllegalArgumentException("no address space " + id);
        }
        return mm;
    }

    /** @return the processes that may map the family's pages */
    public List<AddressSpace> family(int id) {
        return families.get(id).members;
    }
}
