package org.thplab.mm.core.folio;

import org.thplab.mm.core.vma.AddressSpace;

/**
 * Migration entries as the layers below promotion see them: the fault path waits on one
 * (migration_entry_wait()); reclaim and compaction skip pages isolated behind them.
 */
public interface MigrationEntries {
    /** migration_entry_wait(): a fault at {@code va} waits until the entry's promotion completes. */
    void waitFor(AddressSpace mm, long va);

    /** @return true when a page in [pfn, pfn + n) is isolated for a pending promotion */
    boolean isolated(int pfn, int n);
}
