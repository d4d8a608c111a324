package org.thplab.mm.core.folio;

/**
 * Told when a base-page folio is freed: a reserved block whose page went away is broken, and the
 * reservations above the folios release it.
 */
@FunctionalInterface
public interface FreeHook {
    void pageFreed(int pfn);
}
