package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;

/** A tick past the clock's end (2^63 ns) is refused, not wrapped or silently cut short. */
class TickTest {
    @Test
    void aTickPastTheClocksEndIsRefusedAndTimeStays() {
        MachineOps mm = Booted.machine(64L << 20);
        mm.tick(1_000);
        String before = mm.stat().toString();
        MmUsageException e = assertThrows(MmUsageException.class, () -> mm.tick(Long.MAX_VALUE - 10));
        assertTrue(e.getMessage().startsWith("tick: 9223372036854775797 ns would take the simulated clock past its end"),
                e.getMessage());
        assertEquals(before, mm.stat().toString());
    }
}
