package org.thplab.policy.promotemadvcollapse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.Errno;
import org.thplab.mm.spi.promote.ScanResult;

/**
 * madvise_collapse() of Linux 6.18 (mm/khugepaged.c): which scan results let the loop go on
 * with the next 2 MiB block, and madvise_collapse_errno() of the one that is reported.
 */
class MadvCollapseErrnoTest {
    /** The cases of madvise_collapse()'s "Whitelisted set of results where continuing OK". */
    static final Set<ScanResult> GO_ON = EnumSet.of(ScanResult.SCAN_PMD_NULL, ScanResult.SCAN_PTE_NON_PRESENT,
            ScanResult.SCAN_PTE_UFFD_WP, ScanResult.SCAN_LACK_REFERENCED_PAGE, ScanResult.SCAN_PAGE_NULL,
            ScanResult.SCAN_PAGE_COUNT, ScanResult.SCAN_PAGE_LOCK, ScanResult.SCAN_PAGE_COMPOUND,
            ScanResult.SCAN_PAGE_LRU, ScanResult.SCAN_DEL_PAGE_LRU);

    @Test
    void theLoopGoesOnAfterTheKernelsWhitelistOnly() {
        for (ScanResult r : ScanResult.values()) {
            assertEquals(GO_ON.contains(r), MadvCollapse.goesOn(r), r.name());
        }
        // 6.18 removed the writable check and SCAN_PAGE_RO with it: no longer on the list.
        assertEquals(false, MadvCollapse.goesOn(ScanResult.SCAN_PAGE_RO));
    }

    @Test
    void madviseCollapseErrno() {
        for (ScanResult r : ScanResult.values()) {
            Errno expected = switch (r) {
                case SCAN_ALLOC_HUGE_PAGE_FAIL -> Errno.ENOMEM;
                case SCAN_CGROUP_CHARGE_FAIL, SCAN_EXCEED_NONE_PTE -> Errno.EBUSY;
                case SCAN_PAGE_COUNT, SCAN_PAGE_LOCK, SCAN_PAGE_LRU, SCAN_DEL_PAGE_LRU, SCAN_PAGE_FILLED -> Errno.EAGAIN;
                default -> Errno.EINVAL;
            };
            assertEquals(expected, MadvCollapse.fail(r, 0).errno(), r.name());
        }
    }
}
