package org.thplab.mm.core.mm;

import org.thplab.mm.core.kernel.ThpTunables;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/** Helpers for tests that drive a {@link Machine} directly with the built-in fallback policies. */
final class MachineTestSupport {
    private MachineTestSupport() {
    }

    static Machine boot(String size) {
        long bytes = Long.parseLong(size.substring(0, size.length() - 1)) << (size.endsWith("G") ? 30 : 20);
        return new Machine(bytes, 0, 0, new ThpTunables());
    }

    static void assertSound(Machine m) {
        assertEquals(List.of(), m.check(), "mm:check");
        for (String p : m.processes()) {
            for (var e : m.smaps(p, null, false)) {
                assertEquals(0, m.verify(p, e.region()), "verify " + p + " " + e.region());
            }
        }
    }
}
