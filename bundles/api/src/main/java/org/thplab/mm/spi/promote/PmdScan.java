package org.thplab.mm.spi.promote;

/**
 * What hpage_collapse_scan_pmd() found in one PMD-aligned range: its result (the first check
 * that failed, in the kernel's order, or {@link ScanResult#SCAN_SUCCEED}) and the counts it
 * gathered on the way, which collapse_huge_page() uses.
 *
 * @param result     the scan's result
 * @param address    the PMD-aligned address scanned
 * @param noneOrZero PTEs that were none or mapped the zero page
 * @param unmapped   swap PTEs
 * @param shared     pages whose folio may be mapped by more than one process
 *                   (folio_maybe_mapped_shared())
 * @param referenced young PTEs (counted for khugepaged only, as in the kernel)
 * @param writable   whether at least one PTE was writable (information only: since Linux 6.18
 *                   a range of read-only PTEs collapses too)
 */
public record PmdScan(ScanResult result, long address, int noneOrZero, int unmapped, int shared,
        int referenced, boolean writable) {
}
