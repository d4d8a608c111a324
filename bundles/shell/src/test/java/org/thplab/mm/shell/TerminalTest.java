package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jline.reader.LineReader;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive shell's line editor, over a terminal of piped streams (what a person types
 * is the input bytes): Tab completes, Up recalls, Ctrl-L clears the screen and is not part of
 * the line, Ctrl-C at the prompt gives an empty line, Ctrl-D ends; the history is kept in its
 * file; UTF-8 text comes through whole.
 */
class TerminalTest {

    /**
     * Types each chunk of keys into a line editor over a terminal of pipes, one at a time, and
     * waits for the line it ends (null: the end of input) before typing the next, as a person
     * would. Returns the lines read.
     */
    private static List<String> typed(List<String> chunks, Commands commands, Path history) throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        PipedInputStream keyboard = new PipedInputStream(1 << 16);
        PipedOutputStream typing = new PipedOutputStream(keyboard);
        BlockingQueue<Optional<String>> read = new LinkedBlockingQueue<>();
        List<String> lines = new ArrayList<>();
        try (typing; Terminal t = TerminalBuilder.builder().system(false).provider("exec").type("xterm")
                .encoding(StandardCharsets.UTF_8).streams(keyboard, screen).size(new Size(200, 50)).build()) {
            LineReader reader = Console.reader(t, commands, List.of("felix:lb", "lb"), history);
            ShellSession.Input in = Console.input(reader);
            Thread editor = new Thread(() -> {
                try {
                    String l;
                    do {
                        l = in.readLine("thplab> ");
                        read.add(Optional.ofNullable(l));
                    } while (l != null);
                } catch (Exception e) {
                    read.add(Optional.of("failed: " + e));
                }
            });
            editor.setDaemon(true);
            editor.start();
            for (String chunk : chunks) {
                int ctrlC = chunk.indexOf('\u0003');
                if (ctrlC > 0) { // the line first, then Ctrl-C once the editor has it
                    typing.write(chunk.substring(0, ctrlC).getBytes(StandardCharsets.UTF_8));
                    typing.flush();
                    Thread.sleep(300);
                    chunk = chunk.substring(ctrlC);
                }
                typing.write(chunk.getBytes(StandardCharsets.UTF_8));
                typing.flush();
                Optional<String> l = read.poll(10, TimeUnit.SECONDS);
                assertTrue(l != null, "no line after " + chunk + "; screen: " + screen.toString(StandardCharsets.UTF_8));
                if (l.isEmpty()) {
                    break;
                }
                lines.add(l.get().strip()); // a completed word ends with a blank
            }
            reader.getHistory().save();
        }
        return lines;
    }

    @Test
    void tabCompletesNamesUpRecallsCtrlLClearsCtrlCGivesAnEmptyLine(@TempDir Path dir) throws Exception {
        Commands sh = Harness.commands(Harness.runtime());
        sh.execute("boot 16M; spawn app; mmap app heap 2M; spawn other");
        Path history = dir.resolve("sub/history");
        List<String> lines = typed(List.of("boo\t16M\r", // a command name
                "touch a\th\t0 4K rea\t\r", // process, region, an access word
                "sysfs enab\tmad\t\r", // a knob and one of its values
                "policy use c\th\t\r", // a kind and a policy of it
                "\u001bOA\r", // Up (as a terminal in keypad mode sends it): the last line again
                "\u000cecho café\r", // Ctrl-L clears the screen and is not part of the line
                "spawn x\u0003", // Ctrl-C at the prompt: the line is dropped
                "l\t\r", // Gogo's commands complete too
                "\u0004"), sh, history); // Ctrl-D: the end
        assertEquals(List.of("boot 16M", "touch app heap 0 4K read", "sysfs enabled madvise", "policy use cow huge",
                "policy use cow huge", "echo café", "", "lb"), lines);
        String saved = Files.readString(history, StandardCharsets.UTF_8);
        assertTrue(saved.contains("touch app heap 0 4K read") && saved.contains("echo café"), saved);
    }

    @Test
    void theEndOfInputIsTheEnd(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), typed(List.of("\u0004"), Harness.commands(Harness.runtime()), dir.resolve("h")));
    }

    @Test
    void completionOffersWhatTheMachineHas() {
        Commands sh = Harness.commands(Harness.runtime());
        assertTrue(sh.complete(List.of()).containsAll(List.of("boot", "touch", "help", "quit")));
        assertEquals(List.of(), sh.complete(List.of("touch")), "no machine booted: nothing, and no error");
        sh.execute("boot 16M; spawn app; mmap app heap 2M; mmap app stack 2M; boot --name b 16M; use default");
        assertEquals(List.of("app"), sh.complete(List.of("touch")));
        assertEquals(List.of("heap", "stack"), sh.complete(List.of("touch", "app")));
        assertEquals(List.of("read", "write"), sh.complete(List.of("touch", "app", "heap", "0", "4K")));
        assertEquals(List.of("always", "madvise", "never"), sh.complete(List.of("sysfs", "enabled")));
        assertTrue(sh.complete(List.of("sysfs")).contains("khugepaged/scan_sleep_millisecs"));
        assertEquals(List.of("default", "b"), sh.complete(List.of("use")));
        assertTrue(sh.complete(List.of("policy", "use")).containsAll(List.of("fault", "cow", "reclaim")));
        assertTrue(sh.complete(List.of("policy", "use", "fault")).containsAll(List.of("thp", "mthp", "base", "reservation")));
        assertTrue(sh.complete(List.of("policy", "enable", "promotion")).contains("khugepaged"));
        assertTrue(sh.complete(List.of("run")).containsAll(List.of("--background", "rfc-fork")));
        assertTrue(sh.complete(List.of("run", "rfc-fork")).contains("size="));
        assertTrue(sh.complete(List.of("help")).contains("touch"));
        assertEquals(List.of("hugepage", "nohugepage", "collapse", "dontneed", "pageout"),
                sh.complete(List.of("madvise", "app", "heap", "0", "2M")));
    }
}
