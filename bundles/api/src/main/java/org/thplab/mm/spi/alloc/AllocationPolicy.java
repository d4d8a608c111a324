package org.thplab.mm.spi.alloc;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides how a request for physical memory is served: straight from the free lists, after
 * direct compaction or reclaim, deferred to the daemons, or not at all (the {@code defrag}
 * modes for THP requests).
 */
@ConsumerType
public interface AllocationPolicy {
    /** @return the first frame of the block given to the request, or -1 when it fails */
    long allocate(AllocRequest request, PhysicalMemory memory);
}
