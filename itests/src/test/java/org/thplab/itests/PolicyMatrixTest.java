package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.FrameworkUtil;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SyscallResult;

/**
 * Every combination of the bundled policies, in the real framework: allocation (buddy) x fault
 * (thp, base, reservation) x cow (pte, huge, adaptive) x reclaim (lru-shrinker, drop-all, underused)
 * x a promoter set (none, each promoter alone, Linux's default set). The full product (189) is cheap enough, so
 * it covers every pair and more. The placement policy antifrag, which changes only where a block
 * comes from, is run in every pair instead of the whole product, to keep the run short: with
 * every fault x cow x reclaim under Linux's promoters (27), and with every promoter set under the
 * defaults (thp, pte, lru-shrinker; 6 more): 222 in all. Each runs the same workload mix (THP-eligible and ineligible
 * faults, khugepaged's scan, MADV_COLLAPSE, fork and CoW, reservations under memory pressure
 * with swap) and ends with check and verify green; in between it asserts the counters each
 * combination must show by the kernel's (and the 2018 reservation RFC's) semantics.
 */
class PolicyMatrixTest {
    static final long M = 1L << 20;
    static final long HPAGE = 2 * M;
    static final List<String> ALLOCATION = List.of("buddy", "antifrag");
    static final List<String> FAULT = List.of("thp", "base", "reservation");
    static final List<String> COW = List.of("pte", "huge", "adaptive");
    static final List<String> RECLAIM = List.of("lru-shrinker", "drop-all", "underused");
    static final List<String> PROMOTERS = List.of("khugepaged", "madv-collapse", "reservation", "migration-entry", "damon");
    static final Map<String, Set<String>> PROMOTER_SETS = new LinkedHashMap<>();

    static {
        PROMOTER_SETS.put("none", Set.of());
        for (String p : PROMOTERS) {
            PROMOTER_SETS.put(p, Set.of(p));
        }
        PROMOTER_SETS.put("linux", Set.of("khugepaged", "madv-collapse", "reservation"));
    }

    static BundleContext context;
    static MachineOps mm;
    static PolicyAdmin policies;
    static ServiceReference<MachineOps> ref;
    static ServiceReference<PolicyAdmin> policiesRef;

    @BeforeAll
    static void get() throws Exception {
        context = FrameworkUtil.getBundle(PolicyMatrixTest.class).getBundleContext();
        long deadline = System.currentTimeMillis() + RuntimeSmokeTest.TIMEOUT;
        while ((ref = context.getServiceReference(MachineOps.class)) == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        while ((policiesRef = context.getServiceReference(PolicyAdmin.class)) == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        mm = context.getService(ref);
        policies = context.getService(policiesRef);
    }

    @AfterAll
    static void restoreDefaults() {
        Itests.restoreDefaultPolicies(policies, mm);
        context.ungetService(ref);
        context.ungetService(policiesRef);
    }

    @TestFactory
    Stream<DynamicTest> everyCombination() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String fault : FAULT) {
            for (String cow : COW) {
                for (String reclaim : RECLAIM) {
                    for (var set : PROMOTER_SETS.entrySet()) {
                        for (String allocation : ALLOCATION) {
                            boolean defaults = fault.equals("thp") && cow.equals("pte") && reclaim.equals("lru-shrinker");
                            if (allocation.equals("antifrag") && !set.getKey().equals("linux") && !defaults) {
                                continue;
                            }
                            String name = allocation + "/" + fault + "/" + cow + "/" + reclaim + "/promotion=" + set.getKey();
                            tests.add(DynamicTest.dynamicTest(name,
                                    () -> combination(name, allocation, fault, cow, reclaim, set.getValue())));
                        }
                    }
                }
            }
        }
        return tests.stream();
    }

    private static long huge(String proc, String region) {
        return mm.smaps(proc, region).stream().mapToLong(e -> e.anonHugeKb()).sum();
    }

    private static long vm(String counter) {
        return mm.vmstat().get(counter);
    }

    private static void select(String allocation, String fault, String cow, String reclaim, Set<String> promoters) {
        policies.usePolicy("allocation", allocation);
        policies.usePolicy("fault", fault);
        policies.usePolicy("cow", cow);
        policies.usePolicy("reclaim", reclaim);
        for (String p : PROMOTERS) {
            policies.usePolicy("promotion", (promoters.contains(p) ? "+" : "-") + p);
        }
        for (PolicyInfo info : policies.policies()) {
            String expected = switch (info.kind()) {
                case "allocation" -> allocation;
                case "fault" -> fault;
                case "cow" -> cow;
                case "reclaim" -> reclaim;
                default -> null;
            };
            if (expected != null) {
                assertEquals(1, info.active().size(), info.toString());
                assertTrue(info.active().get(0).startsWith(expected + " (org.thplab.policy."), info.toString());
            } else {
                assertEquals(promoters.size(), info.active().size(), info.toString());
            }
        }
    }

    private static void combination(String name, String allocation, String fault, String cow, String reclaim,
            Set<String> promoters) {
        select(allocation, fault, cow, reclaim, promoters);
        boolean copyPromoter = promoters.contains("khugepaged") || promoters.contains("migration-entry");
        boolean resPromoter = promoters.contains("reservation") || promoters.contains("migration-entry");
        boolean madvCollapse = promoters.contains("madv-collapse");
        mm.sysfs("enabled", "always");
        mm.sysfs("defrag", "madvise");
        mm.sysfs("khugepaged/scan_sleep_millisecs", "10");
        mm.boot(256 * M, 64 * M, 11);
        mm.spawn("p");
        for (String r : List.of("a", "b")) {
            mm.mmap("p", r, 8 * M);
        }
        mm.mmap("p", "d", 4 * M);

        // a and d are faulted in ineligible (MADV_NOHUGEPAGE): base pages whatever the fault policy.
        assertTrue(mm.madvise("p", "a", 0, 8 * M, Advice.NOHUGEPAGE).ok());
        assertTrue(mm.madvise("p", "d", 0, 4 * M, Advice.NOHUGEPAGE).ok());
        assertTrue(mm.touch("p", "a", 0, 8 * M, true).ok());
        assertTrue(mm.touch("p", "d", 0, 4 * M, true).ok());
        assertEquals(0, huge("p", "a"));
        // b is eligible (enabled=always): the fault policy decides.
        assertTrue(mm.touch("p", "b", 0, 8 * M, true).ok());
        switch (fault) {
            case "thp" -> { // do_huge_pmd_anonymous_page(): one THP per PMD at the first fault
                assertEquals(4, vm("thp_fault_alloc"));
                assertEquals(8192, huge("p", "b"));
            }
            case "base" -> {
                assertEquals(0, vm("thp_fault_alloc"));
                // b's first fault put p on khugepaged's empty list, which wakes it at once
                // (__khugepaged_enter()): it has collapsed b already (the migration-entry
                // promoter only wakes every scan_sleep_millisecs)
                assertEquals(promoters.contains("khugepaged") ? 8192 : 0, huge("p", "b"));
            }
            default -> { // the RFC: a reservation per PMD range at its first fault, mapped 4 KiB at a time
                assertEquals(0, vm("thp_fault_alloc"));
                assertEquals(4, vm("thp_res_alloc"));
            }
        }
        if (!fault.equals("reservation")) {
            assertEquals(0, vm("thp_res_alloc"), "no reservations without fault-reservation");
        }

        // MADV_COLLAPSE: madvise_collapse() with the promoter, EINVAL without it.
        assertTrue(mm.madvise("p", "d", 0, 4 * M, Advice.HUGEPAGE).ok());
        SyscallResult collapse = mm.madvise("p", "d", 0, 4 * M, Advice.COLLAPSE);
        if (madvCollapse) {
            assertTrue(collapse.ok(), collapse.toString());
            assertEquals(4096, huge("p", "d"));
        } else {
            assertEquals(Errno.EINVAL, collapse.errno(), collapse.toString());
            assertEquals(0, huge("p", "d"));
        }

        // khugepaged's scan (or the migration-entry promoter) collapses a once it is eligible.
        assertTrue(mm.madvise("p", "a", 0, 8 * M, Advice.HUGEPAGE).ok());
        mm.tick(1_000_000_000L);
        assertEquals(copyPromoter ? 8192 : 0, huge("p", "a"));
        switch (fault) {
            case "thp" -> assertEquals(8192, huge("p", "b"));
            case "base" -> assertEquals(copyPromoter ? 8192 : 0, huge("p", "b"));
            default -> {
                if (resPromoter) { // in-place promotion of the full reservations
                    assertEquals(8192, huge("p", "b"));
                    assertEquals(0, vm("nr_thp_reserved"));
                } else if (!copyPromoter) {
                    assertEquals(0, huge("p", "b"), "nothing promotes a reservation without a promoter");
                }
            }
        }
        if (!copyPromoter && !madvCollapse) {
            assertEquals(0, vm("thp_collapse_alloc"), "no copy collapse without a promoter");
        } else {
            assertTrue(vm("thp_collapse_alloc") > 0, "a copy collapse with " + promoters);
        }

        // fork and CoW of a PMD-mapped range: do_huge_pmd_wp_page() splits (cow-pte, Linux >= 5.8)
        // or copies the whole 2 MiB (cow-huge, before 5.8); cow-adaptive copies 2 MiB only for a
        // hot THP (its PMD young) of a VM_HUGEPAGE region: b has no MADV_HUGEPAGE, a has.
        long aHuge = huge("p", "a");
        long bHuge = huge("p", "b");
        assertTrue(mm.fork("p", "c").ok());
        assertTrue(mm.touch("c", "b", 0, 4096, true).ok());
        if (bHuge == 8192) {
            assertEquals(cow.equals("huge") ? 8192 : 8192 - 2048, huge("c", "b"), cow);
            assertEquals(8192, huge("p", "b"), "the parent keeps its THP");
        }
        // The child's read makes its PMD young (fork gave it an old one), then it writes.
        assertTrue(mm.touch("c", "a", 0, 4096, false).ok());
        assertTrue(mm.touch("c", "a", 0, 4096, true).ok());
        if (aHuge == 8192) {
            assertEquals(cow.equals("pte") ? 8192 - 2048 : 8192, huge("c", "a"), cow);
        }

        // Memory pressure: sparse reservations (one page used in each) then base pages beyond
        // what is free. Reclaim policies give reservations back (drop-all every one, lru-shrinker
        // and underused as many as needed); the rest goes to swap.
        mm.mmap("p", "r", 32 * M);
        for (long off = 0; off < 32 * M; off += HPAGE) {
            assertTrue(mm.touch("p", "r", off, 4096, true).ok());
        }
        long reservedBefore = vm("nr_thp_reserved");
        if (fault.equals("reservation")) {
            assertEquals(16 * 511, reservedBefore);
        } else {
            assertEquals(0, reservedBefore);
        }
        mm.spawn("q");
        long need = mm.meminfo().get("MemFree") * 1024 + 8 * M;
        mm.mmap("q", "f", need);
        assertTrue(mm.madvise("q", "f", 0, need, Advice.NOHUGEPAGE).ok());
        SyscallResult pressure = mm.touch("q", "f", 0, need, true);
        assertTrue(pressure.ok(), pressure.toString());
        if (fault.equals("reservation")) {
            long after = vm("nr_thp_reserved");
            if (reclaim.equals("drop-all")) {
                assertEquals(0, after, "drop-all releases every reservation on pressure");
            } else {
                assertTrue(after < reservedBefore, reclaim + " released some reservations: " + after);
            }
        }
        // Every THP here has a written page: not more than 511 zero-filled subpages, so neither
        // khugepaged/max_ptes_none 511 nor underused's own default 511 finds one underused.
        assertEquals(0, vm("thp_underused_split_page"), reclaim);

        assertEquals(List.of(), mm.check(), name);
        for (String[] pr : new String[][] {{"p", "a"}, {"p", "b"}, {"p", "d"}, {"p", "r"}, {"c", "a"}, {"c", "b"}, {"c", "d"}, {"q", "f"}}) {
            assertEquals(0, mm.verify(pr[0], pr[1]), name + ": verify " + pr[0] + " " + pr[1]);
        }
        System.out.println(name + ": thp_fault_alloc " + vm("thp_fault_alloc") + ", thp_collapse_alloc " + vm("thp_collapse_alloc")
                + ", thp_res_alloc " + vm("thp_res_alloc") + ", nr_thp_reserved " + vm("nr_thp_reserved")
                + ", thp_split_pmd " + vm("thp_split_pmd") + ", pswpout " + vm("pswpout") + "; check ok, verify ok");
    }
}
