package org.thplab.mm.core.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClockTest {
    /** An event that reschedules itself at the same instant forever. */
    private static void loop(Clock c) {
        c.schedule("stuck", 0, () -> loop(c));
    }

    @Test
    void anEventThatLoopsWithoutTimeMovingIsRefusedAndNamed() {
        Clock c = new Clock();
        loop(c);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.runUntil(1_000));
        assertTrue(e.getMessage().contains("'stuck'"), e.getMessage());
        assertTrue(e.getMessage().contains("without advancing"), e.getMessage());
    }

    @Test
    void eventsWhoseWorkTakesTimeRunToTheEnd() {
        Clock c = new Clock();
        int[] runs = {0};
        Runnable[] busy = new Runnable[1];
        busy[0] = () -> {
            runs[0]++;
            c.charge(10); // a busy daemon: its next wake is at once, but after its work
            c.schedule("busy", 0, busy[0]);
        };
        c.schedule("busy", 0, busy[0]);
        c.runUntil(10_000_000);
        assertEquals(1_000_001, runs[0]);
        assertTrue(c.now() >= 10_000_000);
    }
}
