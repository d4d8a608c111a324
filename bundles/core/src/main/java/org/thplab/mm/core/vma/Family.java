package org.thplab.mm.core.vma;

import java.util.ArrayList;
import java.util.List;

/**
 * The processes that may map the same anonymous pages: a process and everything forked from it
 * (the anon_vma tree, simplified to its root). The reverse map of a page names its family and
 * its virtual page number; a walk visits each member's page table at that address.
 */
public final class Family {
    public final int id;
    public final List<AddressSpace> members = new ArrayList<>();

    public Family(int id) {
        this.id = id;
    }
}
