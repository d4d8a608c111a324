package org.thplab.mm.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MmUsageException;

/** Values as /proc/sys/vm reads them (proc_get_long(), strtoul() with base 0), checked on Linux 6.18. */
class SysctlTest {
    @Test
    void numbersAreReadWithTheKernelsBaseZero() {
        Sysctl s = new Sysctl();
        s.set("vm.admin_reserve_kbytes", "0x20");
        assertEquals("32", s.all().get("vm.admin_reserve_kbytes"));
        s.set("vm.admin_reserve_kbytes", "010");
        assertEquals("8", s.all().get("vm.admin_reserve_kbytes"));
        s.set("vm.admin_reserve_kbytes", "0");
        assertEquals("0", s.all().get("vm.admin_reserve_kbytes"));
        s.set("vm.overcommit_ratio", "0X3f");
        assertEquals("63", s.all().get("vm.overcommit_ratio"));
    }

    @Test
    void whatTheKernelRefusesChangesNothing() {
        Sysctl s = new Sysctl();
        s.set("vm.admin_reserve_kbytes", "8192");
        for (String bad : new String[] {"+7", "08", "5abc", "0x", "-", "", " 5", "\u0665", "99999999999999999999"}) {
            MmUsageException e = assertThrows(MmUsageException.class, () -> s.set("vm.admin_reserve_kbytes", bad), bad);
            assertTrue(e.getMessage().contains("vm.admin_reserve_kbytes must be"), e.getMessage());
            assertEquals("8192", s.all().get("vm.admin_reserve_kbytes"), bad);
        }
        // A number out of the knob's range names the number: 0x3 is 3, and overcommit_memory is 0..2.
        MmUsageException e = assertThrows(MmUsageException.class, () -> s.set("vm.overcommit_memory", "0x3"));
        assertTrue(e.getMessage().endsWith("not 3"), e.getMessage());
        assertEquals("0", s.all().get("vm.overcommit_memory"));
    }

    @Test
    void theNumberReaderAlone() {
        assertEquals(-16, Sysctl.number("-0x10"));
        assertEquals(Long.MAX_VALUE, Sysctl.number(Long.toString(Long.MAX_VALUE)));
        assertEquals(Long.MIN_VALUE, Sysctl.number("9223372036854775808"), "does not fit: no number");
    }
}
