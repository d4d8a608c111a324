package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.core.runtime.MmRuntime;

/** The shell's session, as piped input and the terminal both run it, over a Gogo session like the application's. */
class ShellSessionTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    private final MmRuntime rt = Harness.runtime();
    private final MachineOps mm = Harness.ops(rt);
    private final java.util.concurrent.CountDownLatch spinning = new java.util.concurrent.CountDownLatch(1);
    private ThreadIOImpl threadIo;
    private CommandSession session;

    /** A command that runs until it is interrupted, and one that throws what the JVM would. */
    private Commands commands() {
        return new Commands(rt, rt) {
            @Override
            String run(Line.Command c) {
                switch (c.name()) {
                    case "spin":
                        spinning.countDown();
                        while (!Thread.currentThread().isInterrupted()) {
                            Thread.onSpinWait();
                        }
                        return "spun";
                    case "oom":
                        throw new OutOfMemoryError("Java heap space");
                    default:
                        return super.run(c);
                }
            }
        };
    }

    /** A Gogo command with a fixed number of words, as most of Felix's are. */
    public static class Two {
        public String two(String a, String b) {
            return a + b;
        }
    }

    private ShellSession.Gogo gogo() {
        threadIo = new ThreadIOImpl();
        threadIo.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(threadIo);
        processor.addCommand("t", new Two(), "two");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, err);
        return Console.gogo(session);
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
            threadIo.stop();
        }
    }

    private static ShellSession.Input lines(String... lines) {
        Deque<String> q = new ArrayDeque<>(List.of(lines));
        return prompt -> q.poll();
    }

    private ShellSession shell() {
        return new ShellSession(commands(), gogo(), out, err);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exitOrQuitAloneLeavesAndExitWithAProcessIsTheProcessCommand() {
        for (String leave : List.of("exit", "quit", "mm:exit", "spawn s; quit; spawn z")) {
            ShellSession s = shell();
            assertEquals(0, s.loop(lines("boot 16M", "spawn p", "exit p", "spawn q", leave, "spawn r"), "> "), leave);
            assertTrue(s.quit(), leave);
            assertEquals(leave.startsWith("spawn s") ? List.of("q", "s") : List.of("q"), mm.processes(), leave);
            assertEquals("", err(), leave);
            close();
        }
    }

    @Test
    void messagesAreThplabsWordsWithTheUsageNeverAJavaClass() throws Exception {
        ShellSession s = shell();
        int rc = s.loop(lines("boot 16M; spawn p; mmap p a 2M", "touch p nosuch 0 4K", "spawn", "touch p a -4K 4K", "bogus",
                "t:two x", "echo 'open", "tick 1M"), "> ");
        assertEquals(1, rc, "a command failed: the piped session's exit code says so");
        assertEquals(String.join("\n",
                "touch: process 'p' has no region 'nosuch'",
                "usage: touch <proc> <region> <off> <len> [read|write]",
                "spawn: wrong number of arguments; usage: spawn <proc>",
                "touch: negative offset '-4K'",
                "usage: touch <proc> <region> <off> <len> [read|write]",
                "unknown command 'bogus' (help lists the commands)",
                "t:two: these arguments fit none of its forms (felix:help t:two shows them)",
                "the quote ' at column 6 is not closed (a quoted word runs to the next ')",
                "tick: bad duration '1M' (M means MiB, in sizes; for minutes write 1min)",
                "usage: tick <duration>", ""), err());
        assertFalse(err().contains("Exception"), err());
        assertEquals("xy", Console.gogo(session).execute("t:two x y"), "Gogo's commands run as typed");
    }

    @Test
    void theShellReadsALineAsAScriptDoes() {
        ShellSession s = shell();
        assertEquals(0, s.loop(lines("boot 16M; spawn p   # setup", "mmap p a 2M # one PMD", "touch p a 0 4K write # first page",
                "echo 'two  blanks; and a #'", "vmstat nr_anon_pages", "!spawn p"), "> "));
        assertEquals("booted: 16384 kB memory (4096 frames), swap 0 kB, seed 0\ntwo  blanks; and a #\nnr_anon_pages 512\n"
                + "error: spawn: process 'p' exists\n", out());
    }

    @Test
    void anErrorOfTheJvmIsOneLineAndTheSessionGoesOn() {
        ShellSession s = new ShellSession(commands(), null, out, err);
        assertEquals(3, s.loop(lines("boot 16M", "oom", "spawn p"), "> "));
        assertEquals(List.of("p"), mm.processes(), "the line after it ran");
        assertEquals("out of memory: the JVM's heap is too small for this (Java heap space); give it more with"
                + " THPLAB_JAVA_OPTS=-Xmx<size>, or boot a smaller machine\n", err());
    }

    @Test
    void ctrlCInterruptsTheCommandRunningAndTheSessionGoesOn() throws Exception {
        ShellSession s = new ShellSession(commands(), null, out, err);
        assertFalse(s.interrupt(), "nothing runs: nothing to interrupt");
        Thread ctrlC = new Thread(() -> {
            try {
                spinning.await(); // Ctrl-C while spin runs
            } catch (InterruptedException e) {
                return;
            }
            s.interrupt();
        });
        ctrlC.start();
        assertEquals(0, s.loop(lines("boot 16M", "spin", "spawn p"), "> "));
        ctrlC.join();
        assertEquals("booted: 16384 kB memory (4096 frames), swap 0 kB, seed 0\nspun\n", out());
        assertEquals("^C: interrupting (Ctrl-C again ends thplab)\n"
                + "interrupted: spin stopped at its next step (check says whether the machine is consistent)\n", err());
        assertEquals(List.of("p"), mm.processes());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void pipedInputIsUtf8WithAPromptBeforeEachLine() {
        byte[] in = "\uFEFFboot 16M\necho café ü €\n".getBytes(StandardCharsets.UTF_8);
        ShellSession s = shell();
        assertEquals(0, s.loop(Console.piped(new ByteArrayInputStream(in), out), "thplab> "));
        assertEquals("thplab> booted: 16384 kB memory (4096 frames), swap 0 kB, seed 0\nthplab> café ü €\nthplab> \n", out());
    }
}
