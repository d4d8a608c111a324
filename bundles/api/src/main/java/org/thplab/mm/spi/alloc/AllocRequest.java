package org.thplab.mm.spi.alloc;

import org.osgi.annotation.versioning.ProviderType;

/** One request to the allocation policy. */
@ProviderType
public interface AllocRequest {
    /** @return the buddy order, 0 (4 KiB) to 10 */
    int order();

    /** @return what the memory is for */
    AllocPurpose purpose();

    /** @return true when the memory is for a VMA with VM_HUGEPAGE (MADV_HUGEPAGE) */
    boolean vmaHugepage();
}
