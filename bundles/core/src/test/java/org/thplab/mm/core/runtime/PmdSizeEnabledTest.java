package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;

/**
 * hugepages-2048kB/enabled decides for PMD-sized THPs, inherit (the default) following the
 * top-level enabled (thp_vma_allowable_orders() and hugepage_pmd_enabled(), mm/huge_memory.c,
 * 6.8); the store accepts always, inherit, madvise and never (thpsize_enabled_store()). Checked
 * on 6.18 with scripts/kdiff/pmd-size-enabled.mm.
 */
class PmdSizeEnabledTest {
    static final long M = 1L << 20;

    @Test
    void thePmdSizeKnobOverridesTheTopLevelOne() {
        MachineOps mm = Booted.machine(256 * M);
        assertEquals("always [inherit] madvise never", mm.tunables().all().get("hugepages-2048kB/enabled"));
        assertEquals("always inherit madvise [never]", mm.tunables().all().get("hugepages-64kB/enabled"));
        mm.spawn("p");
        mm.sysfs("hugepages-2048kB/enabled", "never"); // enabled stays always
        mm.mmap("p", "a", 2 * M);
        mm.touch("p", "a", 0, 2 * M, true);
        assertEquals(0, mm.vmstat().get("thp_fault_alloc"));
        mm.sysfs("enabled", "never");
        mm.sysfs("hugepages-2048kB/enabled", "always");
        mm.mmap("p", "b", 2 * M);
        mm.touch("p", "b", 0, 2 * M, true);
        assertEquals(1, mm.vmstat().get("thp_fault_alloc"));
        var e = assertThrows(MmUsageException.class, () -> mm.sysfs("hugepages-2048kB/enabled", "sometimes"));
        assertEquals("sysfs: invalid value 'sometimes' for hugepages-2048kB/enabled (always, inherit, madvise, never)", e.getMessage());
        assertEquals("[always] inherit madvise never", mm.tunables().all().get("hugepages-2048kB/enabled"));
    }
}
