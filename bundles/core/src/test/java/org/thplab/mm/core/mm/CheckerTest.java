package org.thplab.mm.core.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** mm:check must notice broken invariants, not only pass on sound machines. */
class CheckerTest {

    private static Machine busyMachine() {
        Machine m = MachineTestSupport.boot("64M");
        m.spawn("p");
        m.mmap("p", "a", 4 << 20);
        m.touch("p", "a", 0, 4 << 20, true);
        m.fork("p", "c");
        m.touch("c", "a", 0, 1 << 20, true);
        return m;
    }

    @Test
    void soundMachinePasses() {
        MachineTestSupport.assertSound(busyMachine());
    }

    @Test
    void corruptedRefcountIsReported() {
        Machine m = busyMachine();
        int pfn = corruptRefcount(m);
        assertTrue(pfn > 0);
        List<String> problems = m.check();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("frame " + pfn + ": refcount"), problems.toString());
    }

    @Test
    void leakedFrameIsReported() {
        Machine m = busyMachine();
        int pfn = leakFrame(m);
        List<String> problems = m.check();
        assertTrue(problems.stream().anyMatch(s -> s.contains("frame " + pfn + " is leaked")), problems.toString());
        assertTrue(problems.stream().anyMatch(s -> s.contains("anonymous frames counted but")), problems.toString());
    }

    @Test
    void lostContentIsReportedByVerify() {
        Machine m = busyMachine();
        // Overwrite one frame's content behind the machine's back: verify must see it.
        for (int p = 0; p < m.f.nr; p++) {
            if (m.f.type[p] == org.thplab.mm.core.frames.Frames.ANON && m.f.content[p] != 0) {
                m.f.content[p] ^= 1;
                break;
            }
        }
        long bad = m.verify("p", "a") + m.verify("c", "a");
        assertTrue(bad >= 1, "verify found " + bad);
    }

    /** Corrupts the refcount of the first mapped anonymous folio; returns its frame or -1. */
    private static int corruptRefcount(Machine m) {
        for (int p = 0; p < m.f.nr; p++) {
            if (m.f.type[p] == org.thplab.mm.core.frames.Frames.ANON && m.f.ref[p] > 0) {
                m.f.ref[p]++;
                return p;
            }
        }
        return -1;
    }

    /** Takes a frame from the free lists and gives it to nobody; returns it. */
    private static int leakFrame(Machine m) {
        int p = m.buddy.alloc(0, org.thplab.mm.core.frames.Buddy.MOVABLE);
        m.f.type[p] = org.thplab.mm.core.frames.Frames.ANON;
        m.f.ref[p] = 1;
        return p;
    }
}
