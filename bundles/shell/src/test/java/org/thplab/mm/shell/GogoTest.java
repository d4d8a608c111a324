package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Gogo session answers as a script does: Gogo (the runtime the framework runs, here in
 * process, with the functions {@link GogoCommands} registers) calls a command's method when the
 * words fit it and {@code _main} when they do not, and either way prints the same message. (The
 * shell on stdin runs mm commands itself, {@link ShellSession}; a Gogo closure, the itests and
 * any other Gogo session go through Gogo.)
 */
class GogoTest {
    private ThreadIOImpl threadIo;
    private CommandSession session;

    @BeforeEach
    void gogo() {
        threadIo = new ThreadIOImpl();
        threadIo.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(threadIo);
        Commands commands = Harness.commands(Harness.runtime());
        for (String function : CommandTable.names()) {
            processor.addCommand("mm", commands, function);
        }
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
    }

    @AfterEach
    void close() {
        session.close();
        threadIo.stop();
    }

    /** What the shell shows for a line: its output, or {@code error: <message>} as a script prints it. */
    private String gogo(String line) {
        try {
            Object result = session.execute("mm:" + line);
            return result == null ? "" : result.toString();
        } catch (Exception e) {
            return "error: " + e.getMessage();
        }
    }

    private static String script(Commands sh, String line) {
        try {
            String result = sh.execute(line);
            return result == null ? "" : result;
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage();
        }
    }

    @Test
    void everyMisuseInErrorsMmGetsTheSameMessageFromGogo() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(ScenarioTest.SCRIPTS.resolve("errors.mm"))) {
            // an unknown command is Gogo's to report ("Command not found"): it never reaches Commands
            if (!l.isBlank() && !l.startsWith("#") && !l.equals("!frobnicate")) {
                lines.add(l.startsWith("!") ? l.substring(1) : l);
            }
        }
        // and words that fit no method, or that Gogo would read as numbers
        lines.addAll(List.of("sysfs a b c", "munmap p a 0", "munmap p", "policy a b c d", "run", "run --background",
                "stop x", "stop 99999999999", "stop 1.5", "touch p a 0 4K write x", "smaps p a b", "boot 1G a b c", "help a b",
                "echo", "echo 1 2 true x", "oom_score_adj p 99999999999", "oom_score_adj p 1e3", "oom_score_adj p +5",
                "oom_score_adj p", "mmap p b 1e3", "mmap p b 4096", "smaps p b", "run rfc-fork --background", "stat jvm x",
                "sysfs enabled never", "sysfs enabled", "trace dump x", "trace",
                // the commands of many machines
                "use", "use a b", "use nosuch", "machines x", "compare", "compare a", "compare a,b", "compare a,nosuch f.mm",
                "boot --name", "boot --name bad/x 16M", "boot --name a 1000", "boot --name a 16M", "machines", "use default"));
        Commands sh = Harness.commands(Harness.runtime());
        for (String line : lines) {
            assertEquals(script(sh, line), gogo(line), line);
        }
    }
}
