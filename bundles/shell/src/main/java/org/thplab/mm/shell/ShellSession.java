package org.thplab.mm.shell;

import java.io.PrintStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One shell session: reads lines, runs each as {@link Line} parses it, and prints what the
 * commands print on {@code out} and what went wrong on {@code err}, in thplab's words. An
 * {@code mm} command runs on {@link Commands}; {@code exit} or {@code quit} alone ends the
 * session; any other command goes to Gogo as written ({@code lb}, {@code felix:help},
 * {@code config:get}). {@link Console} gives it a JLine reader on a terminal and a plain UTF-8
 * reader for piped input; nothing here depends on which.
 *
 * <p>A misuse prints its message and the command's usage; any other failure (out of memory, a
 * stack overflow, a bug) prints one line saying so; either way the session goes on at the next
 * line. Ctrl-C ({@link #interrupt}) interrupts the command running: the core stops it at its
 * next step (a touch at the next 2 MiB, a tick at the next event, a workload at the next step).
 */
final class ShellSession {
    /** Where lines come from: null at the end of input. */
    interface Input {
        String readLine(String prompt) throws Exception;
    }

    /** Gogo's side: runs a command line as Gogo does and returns its result as text (or null). */
    interface Gogo {
        String execute(String text) throws Exception;
    }

    private final Commands commands;
    private final Gogo gogo;
    private final PrintStream out;
    private final PrintStream err;
    /** The thread running a command now, or null: what Ctrl-C interrupts. */
    private volatile Thread running;
    /** How many Ctrl-C the command running now has had. */
    private volatile int interrupts;
    private boolean misused;
    private boolean failed;
    private boolean quit;

    ShellSession(Commands commands, Gogo gogo, PrintStream out, PrintStream err) {
        this.commands = commands;
        this.gogo = gogo;
        this.out = out;
        this.err = err;
    }

    /**
     * Reads and runs lines until the end of input, {@code exit} or {@code quit}.
     *
     * @return the exit code of a piped session: {@link ScriptRunner#OK}, {@link ScriptRunner#MISUSED}
     *         when a command failed, {@link ScriptRunner#FAILED} when the JVM or thplab did
     */
    int loop(Input in, String prompt) {
        while (!quit) {
            String line;
            try {
                line = in.readLine(prompt);
            } catch (Exception e) {
                err.println("thplab: cannot read input: " + e.getMessage());
                failed = true;
                break;
            }
            if (line == null) {
                break;
            }
            runLine(line);
        }
        out.flush();
        return failed ? ScriptRunner.FAILED : misused ? ScriptRunner.MISUSED : ScriptRunner.OK;
    }

    /** Whether {@code exit} or {@code quit} ended the session. */
    boolean quit() {
        return quit;
    }

    /** Runs one line: its commands in order, until one fails. */
    void runLine(String line) {
        List<Line.Command> cmds;
        try {
            cmds = Line.parse(line);
        } catch (IllegalArgumentException e) {
            misuse(e.getMessage(), null);
            return;
        }
        for (Line.Command c : cmds) {
            if (ScriptRunner.isQuit(c)) {
                quit = true;
                return;
            }
            if (!run(c)) {
                return;
            }
        }
    }

    /** Runs one command; false when it failed (the rest of its line is not run). */
    private boolean run(Line.Command c) {
        CommandTable.Command mm = CommandTable.get(c.name());
        running = Thread.currentThread();
        interrupts = 0;
        try {
            String result;
            if (gogo != null && mm != null && mm.name().equals("help") && c.words().size() == 2
                    && CommandTable.get(c.words().get(1)) == null) {
                result = gogo.execute("felix:help " + c.words().get(1)); // a Gogo command's help
            } else if (mm != null || gogo == null) {
                result = commands.run(c);
            } else if (c.expectError()) {
                try {
                    gogo.execute(c.text());
                } catch (Exception e) {
                    out.println("error: " + gogoMessage(c, e));
                    return true;
                }
                throw new IllegalArgumentException(c.name() + ": expected an error, but the command succeeded");
            } else {
                result = gogo.execute(c.text());
            }
            if (result != null && !result.isEmpty()) {
                out.println(result);
            }
            return true;
        } catch (IllegalArgumentException e) {
            // Gogo's errors are IllegalArgumentExceptions too (command not found, no coercion)
            misuse(mm != null ? e.getMessage() : gogoMessage(c, e), mm);
            return false;
        } catch (Exception e) {
            misuse(gogoMessage(c, e), null);
            return false;
        } catch (Throwable e) {
            // out of memory, a stack overflow, a bug: say so on one line and go on
            failed = true;
            out.flush();
            err.println(Failures.describe(e) + (mm == null ? "" : "; the machine may be half-way through "
                    + mm.name() + ": check says whether it is consistent, boot starts afresh"));
            return false;
        } finally {
            running = null;
            if (Thread.interrupted()) {
                out.flush();
                err.println("interrupted: " + c.name() + " stopped at its next step (check says whether the machine is consistent)");
            }
        }
    }

    private void misuse(String message, CommandTable.Command mm) {
        misused = true;
        out.flush();
        err.println(message);
        if (mm != null && (message == null || !message.contains("usage:"))) {
            err.println("usage: " + mm.usage());
        }
        err.flush();
    }

    private static final Pattern COERCE = Pattern.compile("Cannot coerce ([^(]*)\\(.*");

    /** A Gogo command's failure in thplab's words: its message, never its class. */
    static String gogoMessage(Line.Command c, Exception e) {
        if (e.getClass().getSimpleName().equals("CommandNotFoundException")) {
            return "unknown command '" + c.name() + "' (help lists the commands)";
        }
        String m = e.getMessage();
        if (m != null) {
            Matcher coerce = COERCE.matcher(m);
            if (coerce.matches()) {
                return c.name() + ": these arguments fit none of its forms (felix:help " + c.name() + " shows them)";
            }
            return m.startsWith(c.name() + ":") || m.startsWith(c.name() + " ") ? m : c.name() + ": " + m;
        }
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null) {
            return c.name() + ": " + cause.getMessage();
        }
        return c.name() + ": failed (" + e.getClass().getSimpleName() + ", no message)";
    }

    /**
     * Ctrl-C: interrupts the command running, which stops at its next step. A second Ctrl-C
     * during the same command ends the JVM (exit code 130), for a command that does not stop.
     *
     * @return whether a command was running
     */
    boolean interrupt() {
        Thread t = running;
        if (t == null) {
            return false;
        }
        if (++interrupts > 1) {
            err.println("^C again: ending thplab");
            err.flush();
            Runtime.getRuntime().halt(130);
        }
        err.println("^C: interrupting (Ctrl-C again ends thplab)");
        err.flush();
        t.interrupt();
        return true;
    }
}
