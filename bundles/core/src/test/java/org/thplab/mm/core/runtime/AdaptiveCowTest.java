package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.embedded.BundledPolicies;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.policy.cowadaptive.AdaptiveCowPolicy;
import org.thplab.policy.cowadaptive.AdaptiveCowPolicy.HotSignal;

/**
 * cow-adaptive in the core, after fork: the accessed bits it reads are the ones the core keeps
 * (copy_huge_pmd() gives the child an old PMD, pmd_mkold(); the parent's stays young; an access
 * that the PMD serves sets it, as the MMU's walk does), and each write to a shared THP copies
 * 2 MiB (thp_fault_alloc, AnonHugePages kept) or splits and copies 4 KiB (thp_split_pmd).
 */
class AdaptiveCowTest {
    static final long M = 1L << 20;

    /** p with a 6 MiB MADV_HUGEPAGE region {@code adv} and a 2 MiB one without advice, all written, forked to c. */
    private static MachineOps forked(String cow) {
        MmRuntime rt = new MmRuntime();
        BundledPolicies.register(rt::register);
        rt.register("cow", "adaptive-referenced", new AdaptiveCowPolicy(true, HotSignal.referenced));
        rt.defaultMachine().policyAdmin().usePolicy("cow", cow);
        MachineOps mm = rt.defaultMachine().ops();
        mm.boot(64 * M, 0, 0);
        mm.sysfs("enabled", "always");
        mm.spawn("p");
        mm.mmap("p", "adv", 6 * M);
        assertTrue(mm.madvise("p", "adv", 0, 6 * M, Advice.HUGEPAGE).ok());
        assertTrue(mm.touch("p", "adv", 0, 6 * M, true).ok());
        mm.mmap("p", "plain", 2 * M);
        assertTrue(mm.touch("p", "plain", 0, 2 * M, true).ok());
        assertEquals(4, stat(mm, "thp_fault_alloc"));
        assertTrue(mm.fork("p", "c").ok());
        return mm;
    }

    private static long stat(MachineOps mm, String counter) {
        return mm.vmstat().get(counter);
    }

    private static long anonHuge(MachineOps mm, String proc, String region) {
        return mm.smaps(proc, region).stream().mapToLong(e -> e.anonHugeKb()).sum();
    }

    private static void write(MachineOps mm, String proc, String region, long off) {
        assertTrue(mm.touch(proc, region, off, 4096, true).ok());
    }

    private static void sound(MachineOps mm) {
        for (String p : List.of("p", "c")) {
            for (var e : mm.smaps(p, null)) {
                assertEquals(0, mm.verify(p, e.region()), p + " " + e.region());
            }
        }
        assertEquals(List.of(), mm.check());
    }

    @Test
    void youngCopiesTheHotThpsOfTheMadvisedRegionOnly() {
        MachineOps mm = forked("adaptive");
        write(mm, "c", "adv", 0); // the child's PMD is old after fork: split, 4 KiB
        assertEquals(1, stat(mm, "thp_split_pmd"));
        assertEquals(4, stat(mm, "thp_fault_alloc"));
        assertTrue(mm.touch("c", "adv", 2 * M, 4096, false).ok()); // a read makes it young
        write(mm, "c", "adv", 2 * M); // hot: all 2 MiB
        assertEquals(5, stat(mm, "thp_fault_alloc"));
        assertEquals(1, stat(mm, "thp_split_pmd"));
        write(mm, "p", "adv", 4 * M); // the parent's PMD is young: all 2 MiB
        assertEquals(6, stat(mm, "thp_fault_alloc"));
        assertTrue(mm.touch("c", "plain", 0, 4096, false).ok());
        write(mm, "c", "plain", 0); // hot but not VM_HUGEPAGE: split, 4 KiB
        assertEquals(2, stat(mm, "thp_split_pmd"));
        assertEquals(6, stat(mm, "thp_fault_alloc"));
        assertEquals(2 * 2048, anonHuge(mm, "c", "adv")); // THP 0 split; 1 its own copy, 2 shared
        assertEquals(0, anonHuge(mm, "c", "plain"));
        assertEquals(3 * 2048, anonHuge(mm, "p", "adv"));
        sound(mm);
    }

    @Test
    void referencedSeesTheParentsYoungPmd() {
        MachineOps mm = forked("adaptive-referenced");
        write(mm, "c", "adv", 0); // the child's PMD is old, the parent's young: all 2 MiB
        assertEquals(5, stat(mm, "thp_fault_alloc"));
        assertEquals(0, stat(mm, "thp_split_pmd"));
        write(mm, "c", "plain", 0);
        assertEquals(1, stat(mm, "thp_split_pmd"));
        assertEquals(3 * 2048, anonHuge(mm, "c", "adv"));
        sound(mm);
    }

    @Test
    void theDefaultCowPteSplitsEveryOne() {
        MachineOps mm = forked("pte");
        assertTrue(mm.touch("c", "adv", 2 * M, 4096, false).ok());
        write(mm, "c", "adv", 2 * M);
        write(mm, "p", "adv", 4 * M);
        assertEquals(2, stat(mm, "thp_split_pmd"));
        assertEquals(4, stat(mm, "thp_fault_alloc"));
        sound(mm);
    }
}
