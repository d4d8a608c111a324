package org.thplab.mm.spi.promote;

/**
 * A VMA of a process, as promoters see it.
 *
 * @param start      first address
 * @param end        address after the VMA
 * @param hugepage   VM_HUGEPAGE
 * @param nohugepage VM_NOHUGEPAGE
 * @param anonVma    whether a fault has prepared the VMA's anon_vma (until then it cannot be collapsed)
 */
public record VmaRange(long start, long end, boolean hugepage, boolean nohugepage, boolean anonVma) {
}
