package org.thplab.mm.spi.promote;

import java.util.Locale;

/**
 * The result codes of khugepaged's scan and collapse ({@code enum scan_result} in
 * mm/khugepaged.c), in the kernel's order, with the strings the tracepoints print
 * ({@code SCAN_STATUS} in include/trace/events/huge_memory.h).
 */
public enum ScanResult {
    SCAN_FAIL("failed"),
    SCAN_SUCCEED("succeeded"),
    SCAN_PMD_NULL("pmd_null"),
    SCAN_PMD_NONE("pmd_none"),
    SCAN_PMD_MAPPED("page_pmd_mapped"),
    SCAN_EXCEED_NONE_PTE("exceed_none_pte"),
    SCAN_EXCEED_SWAP_PTE("exceed_swap_pte"),
    SCAN_EXCEED_SHARED_PTE("exceed_shared_pte"),
    SCAN_PTE_NON_PRESENT("pte_non_present"),
    SCAN_PTE_UFFD_WP("pte_uffd_wp"),
    SCAN_PTE_MAPPED_HUGEPAGE("pte_mapped_hugepage"),
    /**
     * No writable PTE in the range: gone from the kernel's enum since Linux 6.18, which collapses
     * read-only PTEs; the core's khugepaged and MADV_COLLAPSE mechanisms no longer answer it.
     * Kept for the mechanisms of thplab's own promoters (in-place promotion of a reservation,
     * promotion through migration entries), which still refuse a range with no writable page.
     */
    SCAN_PAGE_RO("no_writable_page"),
    SCAN_LACK_REFERENCED_PAGE("lack_referenced_page"),
    SCAN_PAGE_NULL("page_null"),
    SCAN_SCAN_ABORT("scan_aborted"),
    SCAN_PAGE_COUNT("not_suitable_page_count"),
    SCAN_PAGE_LRU("page_not_in_lru"),
    SCAN_PAGE_LOCK("page_locked"),
    SCAN_PAGE_ANON("page_not_anon"),
    SCAN_PAGE_COMPOUND("page_compound"),
    SCAN_ANY_PROCESS("no_process_for_page"),
    SCAN_VMA_NULL("vma_null"),
    SCAN_VMA_CHECK("vma_check_failed"),
    SCAN_ADDRESS_RANGE("not_suitable_address_range"),
    SCAN_DEL_PAGE_LRU("could_not_delete_page_from_lru"),
    SCAN_ALLOC_HUGE_PAGE_FAIL("alloc_huge_page_failed"),
    SCAN_CGROUP_CHARGE_FAIL("ccgroup_charge_failed"),
    SCAN_TRUNCATED("truncated"),
    SCAN_PAGE_HAS_PRIVATE("page_has_private"),
    SCAN_STORE_FAILED("store_failed"),
    SCAN_COPY_MC("copy_poisoned_page"),
    SCAN_PAGE_FILLED("page_filled");

    private final String trace;

    ScanResult(String trace) {
        this.trace = trace;
    }

    /** @return the string the kernel's tracepoints print for this result, e.g. {@code exceed_none_pte} */
    public String traceName() {
        return trace;
    }

    /** @return the enum name in lower case, e.g. {@code scan_exceed_none_pte} */
    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
