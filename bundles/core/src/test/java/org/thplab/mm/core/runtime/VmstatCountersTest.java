package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;

/**
 * /proc/vmstat as vmstat_text[] (mm/vmstat.c) of Linux 6.18 lists it: every THP event counter,
 * in the kernel's order (thp_migration_* with the migration counters, before compaction; the
 * rest after the unevictable ones), as `grep thp /proc/vmstat` prints them on a 6.18 machine,
 * then the reservation RFC's; nr_anon_transparent_hugepages among the gauges.
 */
class VmstatCountersTest {
    /** `grep thp /proc/vmstat` on Linux 6.18 (x86_64). */
    static final List<String> KERNEL_THP = List.of(
            "thp_migration_success", "thp_migration_fail", "thp_migration_split",
            "thp_fault_alloc", "thp_fault_fallback", "thp_fault_fallback_charge",
            "thp_collapse_alloc", "thp_collapse_alloc_failed",
            "thp_file_alloc", "thp_file_fallback", "thp_file_fallback_charge", "thp_file_mapped",
            "thp_split_page", "thp_split_page_failed", "thp_deferred_split_page",
            "thp_underused_split_page", "thp_split_pmd",
            "thp_scan_exceed_none_pte", "thp_scan_exceed_swap_pte", "thp_scan_exceed_share_pte",
            "thp_split_pud", "thp_zero_page_alloc", "thp_zero_page_alloc_failed",
            "thp_swpout", "thp_swpout_fallback");

    /** The kernel's order of every event counter thplab keeps (vmstat_text[] of 6.18). */
    static final List<String> KERNEL_EVENTS = List.of(
            "pswpin", "pswpout", "allocstall_normal", "pgfault", "pgmajfault",
            "pgsteal_kswapd", "pgsteal_direct", "pgscan_kswapd", "pgscan_direct", "pgscan_anon", "pgsteal_anon",
            "pageoutrun", "oom_kill", "pgmigrate_success", "pgmigrate_fail",
            "thp_migration_success", "thp_migration_fail", "thp_migration_split",
            "compact_migrate_scanned", "compact_free_scanned", "compact_stall", "compact_fail",
            "compact_success", "compact_daemon_wake");

    private static Map<String, Long> vmstat() {
        MmRuntime rt = new MmRuntime();
        MachineOps mm = rt.defaultMachine().ops();
        mm.boot(64L << 20, 0, 0);
        return mm.vmstat();
    }

    @Test
    void everyThpCounterOfTheKernelInItsOrder() {
        List<String> thp = vmstat().keySet().stream().filter(n -> n.startsWith("thp_")).toList();
        assertEquals(KERNEL_THP, thp.subList(0, KERNEL_THP.size()));
        assertEquals(List.of("thp_res_alloc", "thp_res_alloc_failed"), thp.subList(KERNEL_THP.size(), thp.size()),
                "the RFC's counters come last");
    }

    @Test
    void theOtherEventCountersInTheKernelsOrder() {
        List<String> names = List.copyOf(vmstat().keySet());
        List<String> seen = names.stream().filter(KERNEL_EVENTS::contains).toList();
        assertEquals(KERNEL_EVENTS, seen);
        assertTrue(names.indexOf("compact_daemon_wake") < names.indexOf("thp_fault_alloc"));
    }

    @Test
    void countersTheModelCannotMoveExistAndReadZero() {
        Map<String, Long> v = vmstat();
        assertTrue(v.containsKey("nr_anon_transparent_hugepages"));
        for (String n : List.of("thp_fault_fallback_charge", "thp_file_alloc", "thp_file_fallback",
                "thp_file_fallback_charge", "thp_file_mapped", "thp_split_pud", "thp_migration_success",
                "thp_migration_fail", "thp_migration_split", "thp_underused_split_page")) {
            assertEquals(0L, v.get(n), n);
        }
    }
}
