package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.spi.workload.Workload;
import org.thplab.mm.spi.workload.WorkloadRun;

/**
 * The progress line of a foreground run: its text, JLine's status line on a terminal (an xterm
 * of pipes, as in {@link TerminalTest}), nothing on a dumb one, and only on the thread of the
 * console that set it: what a command returns (a transcript, a pipe) never has it.
 */
class ProgressLineTest {
    /** Six steps of 60 ms of wall time each, half-way after three. */
    static final class Slow implements Workload {
        @Override
        public List<WorkloadParameter> parameters() {
            return List.of();
        }

        @Override
        public WorkloadRun start(MachineOps machine, Map<String, String> params) {
            return new WorkloadRun() {
                int done;

                @Override
                public boolean step() {
                    try {
                        Thread.sleep(60);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return ++done < 6;
                }

                @Override
                public void end(String why) {
                }

                @Override
                public void stop() {
                }

                @Override
                public String progress() {
                    return "step " + done + " of 6";
                }

                @Override
                public String report() {
                    return "slow: done";
                }

                @Override
                public double fraction() {
                    return done / 6.0;
                }
            };
        }
    }

    private static Terminal xterm(ByteArrayOutputStream screen) throws Exception {
        return TerminalBuilder.builder().system(false).provider("exec").type("xterm").encoding(StandardCharsets.UTF_8)
                .streams(new ByteArrayInputStream(new byte[0]), screen).size(new Size(100, 24)).build();
    }

    @Test
    void theLineSaysWhereTheRunIsItsRateAndWhenKnownHowFarAndTheTimeLeft() {
        assertEquals("run rfc-fork: child 3, region 2 of 8 | 1200 steps, 400 steps/s | [#####...............] 25% ETA 0:09",
                ProgressLine.text("rfc-fork", "child 3, region 2 of 8", 1200, 0.25, 3_000_000_000L, 200));
        assertEquals("run x: loading | 10 steps, 5 steps/s", ProgressLine.text("x", "loading", 10, Double.NaN, 2_000_000_000L, 200),
                "no fraction: no bar, no ETA");
        assertEquals("run x: loading | 10 steps, 5 steps/s | [....................] 0%",
                ProgressLine.text("x", "loading", 10, 0, 2_000_000_000L, 200));
        String cut = ProgressLine.text("rfc-fork", "child 3, region 2 of 8", 1200, 0.25, 3_000_000_000L, 30);
        assertEquals(30, cut.length(), "cut to the terminal's width: " + cut);
        assertEquals("sweep s.yaml: 3 of 8 cells done | 3 cells, 1.5 cells/s | [########............] 38% ETA 0:03",
                ProgressLine.text("sweep s.yaml", "cells", "3 of 8 cells done", 3, 0.375, 2_000_000_000L, 200), "a sweep counts cells");
        assertEquals("1:01:01", ProgressLine.clock(3661));
        assertEquals("2:05", ProgressLine.clock(125));
    }

    @Test
    void aForegroundRunOnTheConsolesThreadDrawsTheStatusLineAndClearsItOnlyThere() throws Exception {
        MmRuntime rt = Harness.runtime();
        rt.registerWorkload("slow", new Slow());
        Commands sh = Harness.commands(rt);
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (Terminal t = xterm(screen)) {
            // another thread (a Gogo session, a script, compare): the console's line is not its own
            AtomicReference<String> other = new AtomicReference<>();
            Commands.showProgress(new ProgressLine(t));
            try {
                Thread th = new Thread(() -> other.set(sh.execute("run slow")));
                th.start();
                th.join();
                assertEquals("slow: done", other.get());
                assertEquals("", screen.toString(StandardCharsets.UTF_8), "nothing on the terminal from another thread");
                String out = sh.execute("run slow");
                assertEquals("slow: done", out, "what the command prints has no progress in it");
            } finally {
                Commands.showProgress(null);
            }
        }
        String drawn = screen.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.contains("run slow: step "), drawn);
        assertTrue(drawn.contains("steps/s | ["), drawn);
        assertTrue(drawn.contains("\u001b[1;23r"), "the status line's scroll region, the screen less its last line: " + drawn);
        assertTrue(drawn.lastIndexOf("\u001b[1;24r") > drawn.lastIndexOf("run slow: step "),
                "at the end the whole screen scrolls again: " + drawn);
        // after the console has gone: no line
        screen.reset();
        assertEquals("slow: done", sh.execute("run slow"));
    }

    @Test
    void aDumbTerminalShowsNothing() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (Terminal t = TerminalBuilder.builder().system(false).dumb(true).type("dumb").encoding(StandardCharsets.UTF_8)
                .streams(new ByteArrayInputStream(new byte[0]), screen).build()) {
            ProgressLine line = new ProgressLine(t);
            line.begin("slow");
            line.update("step 1 of 6", 1, 1 / 6.0);
            line.end();
        }
        assertFalse(screen.toString(StandardCharsets.UTF_8).contains("step 1"), screen.toString(StandardCharsets.UTF_8));
    }
}
