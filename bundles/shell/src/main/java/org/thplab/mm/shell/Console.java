package org.thplab.mm.shell;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Function;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The shell on standard input, when the framework property {@value #CONSOLE} is true (the
 * application sets it, with {@code gosh.args=--nointeractive} so that Gogo's own console stays
 * off stdin) and no scripts are to run. On a terminal it reads lines with JLine: line editing,
 * history in {@value #HISTORY} (default {@code .thplab/history}), Tab completion of command,
 * process, region, machine, policy, knob and workload names, Ctrl-C interrupting the command
 * running, and a foreground {@code run} showing its progress on the last line ({@link ProgressLine}).
 * Piped input is read as plain UTF-8 lines, without JLine, a prompt printed before
 * each as before; at its end the JVM exits with 1 if a command failed. Either way each line
 * runs in a {@link ShellSession} over a Gogo session of the framework's {@link CommandProcessor}.
 */
@Component(immediate = true)
public class Console {
    /** Framework property: run the shell on standard input. */
    static final String CONSOLE = "thplab.console";
    /** Framework or system property: the interactive shell's history file. */
    static final String HISTORY = "thplab.history";
    static final String PROMPT = "thplab> ";

    @Activate
    public Console(BundleContext context, @Reference Commands commands, @Reference CommandProcessor processor) {
        String scripts = context.getProperty(ScriptRunner.SCRIPTS);
        if (!Boolean.parseBoolean(context.getProperty(CONSOLE)) || (scripts != null && !scripts.isBlank())) {
            return;
        }
        Thread t = new Thread(() -> run(context, commands, processor), "thplab-console");
        t.start();
    }

    private static void run(BundleContext context, Commands commands, CommandProcessor processor) {
        PrintStream out = ScriptRunner.STDOUT;
        PrintStream err = ScriptRunner.STDERR;
        boolean terminal = System.console() != null;
        int rc;
        try {
            try {
                ScriptRunner.awaitStartup(context);
            } catch (RuntimeException e) {
                err.println("thplab: waiting for start-up failed: " + e.getMessage());
            }
            CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, err);
            String prompt = profile(context, session, err);
            ShellSession shell = new ShellSession(commands, gogo(session), out, err);
            rc = terminal ? interactive(context, commands, session, shell, prompt, out)
                    : shell.loop(piped(new FileInputStream(FileDescriptor.in), out), prompt);
            if (!terminal && shell.quit()) {
                out.println(); // after the prompt exit or quit was read at
            }
        } catch (Throwable e) {
            rc = ScriptRunner.failed(e, "thplab: ", err);
        }
        out.flush();
        System.exit(terminal ? 0 : rc);
    }

    /** Gogo's scope order and thplab's profile ({@code gosh.home}/etc/gosh_profile); returns the prompt. */
    private static String profile(BundleContext context, CommandSession session, PrintStream err) {
        // Look commands up in scope mm first; felix:help still lists every command of every scope.
        session.put("SCOPE", "mm:gogo:*");
        String home = context.getProperty("gosh.home");
        if (home != null) {
            Path profile = Path.of(home, "etc", "gosh_profile");
            if (Files.isReadable(profile)) {
                try {
                    session.execute(Files.readString(profile, StandardCharsets.UTF_8));
                } catch (Exception e) {
                    err.println("thplab: " + profile + ": " + e.getMessage());
                }
            }
        }
        Object prompt = session.get("prompt");
        if (prompt instanceof Function f) {
            try {
                prompt = f.execute(session, null);
            } catch (Exception e) {
                prompt = null;
            }
        }
        return prompt == null ? PROMPT : prompt.toString();
    }

    /** Gogo runs a command line and formats its result as its own console would. */
    static ShellSession.Gogo gogo(CommandSession session) {
        return text -> {
            Object result = session.execute(text);
            session.put("_", result);
            return result == null ? null : String.valueOf(session.format(result, Converter.INSPECT));
        };
    }

    /** Piped input: UTF-8 lines, the prompt printed before each, a newline after the last prompt. */
    static ShellSession.Input piped(InputStream in, PrintStream out) {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        boolean[] first = {true};
        return prompt -> {
            out.print(prompt);
            out.flush();
            String line = r.readLine();
            if (line == null) {
                out.println();
                return null;
            }
            if (first[0] && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            first[0] = false;
            return line;
        };
    }

    private static int interactive(BundleContext context, Commands commands, CommandSession session, ShellSession shell,
            String prompt, PrintStream out) throws IOException {
        try (Terminal terminal = systemTerminal()) {
            // Ctrl-C while a command runs (outside the line editor, which reads it as a key)
            terminal.handle(Terminal.Signal.INT, s -> shell.interrupt());
            String h = context.getProperty(HISTORY);
            Path history = Path.of(h == null || h.isBlank() ? ".thplab/history" : h);
            LineReader reader = reader(terminal, commands, gogoCommands(session), history);
            out.println("thplab: help lists the commands, help <command> shows one; Tab completes, Up recalls;"
                    + " exit, quit or Ctrl-D leaves");
            // A foreground run shows its progress on the terminal's last line: on this thread only.
            Commands.showProgress(new ProgressLine(terminal));
            try {
                shell.loop(input(reader), prompt);
            } finally {
                Commands.showProgress(null);
            }
        }
        return ScriptRunner.OK;
    }

    /**
     * The terminal of stdin and stdout. JLine finds its terminal providers (exec, JNI, ...) as
     * resources through the context class loader: inside OSGi that must be JLine's own bundle's,
     * or it falls back to a dumb terminal without line editing.
     */
    static Terminal systemTerminal() throws IOException {
        Thread t = Thread.currentThread();
        ClassLoader outer = t.getContextClassLoader();
        t.setContextClassLoader(TerminalBuilder.class.getClassLoader());
        try {
            return TerminalBuilder.builder().system(true).encoding(StandardCharsets.UTF_8).nativeSignals(true)
                    .signalHandler(Terminal.SignalHandler.SIG_DFL).build();
        } finally {
            t.setContextClassLoader(outer);
        }
    }

    /** The line editor: thplab's completion and history; !, quotes and backslashes left as typed for {@link Line}. */
    static LineReader reader(Terminal terminal, Commands commands, Collection<String> gogoCommands, Path history) {
        try {
            Files.createDirectories(history.toAbsolutePath().getParent());
        } catch (IOException e) {
            // no history file then; JLine says so when it tries to write it
        }
        DefaultParser parser = new DefaultParser();
        parser.setQuoteChars(new char[0]);
        parser.setEscapeChars(new char[0]);
        return LineReaderBuilder.builder().terminal(terminal).appName("thplab").parser(parser)
                .completer(completer(commands, gogoCommands))
                .variable(LineReader.HISTORY_FILE, history)
                .variable(LineReader.HISTORY_SIZE, 2000)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, false)
                .build();
    }

    /** Lines from JLine: Ctrl-C at the prompt gives an empty line, Ctrl-D the end. */
    static ShellSession.Input input(LineReader reader) {
        return prompt -> {
            try {
                return reader.readLine(prompt);
            } catch (UserInterruptException e) {
                return "";
            } catch (EndOfFileException e) {
                return null;
            }
        };
    }

    /** Tab: the candidates of {@link Commands#complete} for the command being typed (after the last ;), and Gogo's commands first. */
    static Completer completer(Commands commands, Collection<String> gogoCommands) {
        return (reader, line, candidates) -> {
            List<String> words = line.words().subList(0, line.wordIndex());
            int start = 0;
            for (int i = 0; i < words.size(); i++) {
                if (words.get(i).endsWith(";")) {
                    start = i + 1;
                }
            }
            List<String> before = new ArrayList<>(words.subList(start, words.size()));
            if (!before.isEmpty() && before.get(0).startsWith("!")) {
                before.set(0, before.get(0).substring(1));
            }
            for (String s : commands.complete(before)) {
                boolean complete = !s.endsWith("=");
                candidates.add(new Candidate(s, s, null, null, null, null, complete));
            }
            if (before.isEmpty()) {
                for (String s : gogoCommands) {
                    candidates.add(new Candidate(s, s, null, null, null, null, true));
                }
            }
        };
    }

    /** Gogo's commands of the scopes a thplab user types: felix:lb and lb, config:get, ... */
    @SuppressWarnings("unchecked")
    private static Collection<String> gogoCommands(CommandSession session) {
        List<String> names = new ArrayList<>();
        Object all = session.get(".commands");
        if (all instanceof Collection<?> c) {
            for (Object o : c) {
                String n = String.valueOf(o);
                if (!n.startsWith("mm:")) {
                    names.add(n);
                    if (n.startsWith("felix:") || n.startsWith("gogo:")) {
                        names.add(n.substring(n.indexOf(':') + 1));
                    }
                }
            }
        }
        return names;
    }
}
