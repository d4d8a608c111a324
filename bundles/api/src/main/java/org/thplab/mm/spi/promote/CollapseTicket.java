package org.thplab.mm.spi.promote;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A collapse prepared outside the mmap lock (huge page allocated, swap entries read back) and
 * waiting to be committed under the mmap lock held for write; see
 * {@link PromotionContext#prepareCollapse}.
 */
@ProviderType
public interface CollapseTicket {
    /** @return SCAN_SUCCEED when the ticket can be committed, else why preparing it failed */
    ScanResult result();

    /** @return the PMD-aligned address to collapse */
    long address();
}
