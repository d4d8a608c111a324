package org.thplab.mm.core.oom;

import org.thplab.mm.core.vma.AddressSpace;

/** The OOM killer's kill, carried out by the syscall layer above it: the victim exits and its memory is reaped. */
@FunctionalInterface
public interface Reaper {
    void kill(AddressSpace victim);
}
