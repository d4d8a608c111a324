package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.BootParameters;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;

/**
 * boot 4T used to die of an OutOfMemoryError half-way through (and hang the JVM); a machine the
 * heap cannot hold is refused at boot, with what it needs, what the heap has and how to raise it.
 */
class HeapBudgetTest {
    static final long M = 1L << 20;

    @Test
    void aMachineTheHeapCannotHoldIsRefusedAndTheOldOneStays() {
        long fourT = 4L << 40;
        assumeTrue(Runtime.getRuntime().maxMemory() < HeapBudget.needed(fourT, 0), "a JVM with less than 44 GiB of heap");
        MachineOps mm = Booted.machine(64 * M);
        mm.spawn("p");
        MmUsageException e = assertThrows(MmUsageException.class, () -> mm.boot(fourT, 0, 1));
        assertTrue(e.getMessage().startsWith("boot: a machine of 4.0 TiB with 0 MiB of swap may need 44.0 GiB of Java heap"),
                e.getMessage());
        assertTrue(e.getMessage().contains("THPLAB_JAVA_OPTS=-Xmx"), e.getMessage());
        assertEquals(List.of("p"), mm.processes());
        assertEquals(new BootParameters(64 * M, 0, 0), mm.bootParameters());
    }
}
