package org.thplab.mm.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CancellationException;
import org.jline.terminal.Terminal;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.Workloads;
import org.thplab.mm.sweep.ChartMaker;
import org.thplab.mm.sweep.LocalSweep;
import org.thplab.mm.sweep.Results;
import org.thplab.mm.sweep.ScriptExecutor;
import org.thplab.mm.sweep.SweepSpec;

/**
 * {@code sweep <spec> [<dir>]} and {@code ./thplab sweep SPEC [--out DIR]}: runs a sweep's cells
 * in this JVM ({@link LocalSweep}, on the shell's machine factory), each on a machine of its own;
 * a script cell's lines run through a {@link Commands} pinned to that machine. Writes
 * {@code results.csv} and {@code results.json} into {@code <dir>} (default {@code <spec-name>-results/}
 * beside the spec), then draws the spec's charts through a {@link ChartMaker}. The output is a
 * short summary that depends on the spec alone (a transcript stays deterministic); the wall time
 * goes to stderr. On the console's terminal the progress line counts the cells.
 */
public final class SweepCommand {
    /** Launcher properties: {@code ./thplab sweep SPEC [--out DIR]} sets them, absolute paths. */
    static final String SPEC = "thplab.sweep";
    static final String OUT = "thplab.sweep.out";
    /** The spec's charts, drawn by the plot bundle from results.csv. */
    static final ChartMaker PLOTS = (results, what, out) -> {
        try {
            org.thplab.mm.plot.Plots.plot(results, what, out);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot write " + out.getFileName() + ": " + ScriptRunner.why(e));
        }
    };
    /** Failed cells listed in the summary, at most. */
    private static final int SHOWN_FAILURES = 10;

    private final MachineFactory machines;
    private final Workloads workloads;
    /** The script whose line runs sweep, or null: the spec and the folder are read relative to it. */
    private final String scriptFile;
    private final ChartMaker charts;

    SweepCommand(Commands shell, String scriptFile, ChartMaker charts) {
        this(shell.factory(), shell.workloads(), scriptFile, charts);
    }

    private SweepCommand(MachineFactory machines, Workloads workloads, String scriptFile, ChartMaker charts) {
        this.machines = machines;
        this.workloads = workloads;
        this.scriptFile = scriptFile;
        this.charts = charts;
    }

    /**
     * A script cell's runner outside the shell (Spark's executors): each cell's lines through a
     * {@link Commands} of its own, pinned to the cell's machine, as {@code compare} runs a script.
     */
    public static ScriptExecutor scripts(MachineFactory machines, Workloads workloads) {
        return (machine, file, lines) -> {
            Commands pinned = new Commands(machines, workloads, machine.name(), "sweep");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int rc;
            try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
                rc = ScriptRunner.run(pinned, file, lines, out);
            }
            String transcript = bytes.toString(StandardCharsets.UTF_8);
            if (rc != ScriptRunner.OK) {
                String t = transcript.strip();
                throw new IllegalArgumentException(t.substring(t.lastIndexOf('\n') + 1));
            }
            return transcript;
        };
    }

    /**
     * @param specWord the spec as the command names it (relative to the running script, as compare reads)
     * @param dirWord  the output folder, or null for {@code <spec-name>-results/} beside the spec
     * @param line     the progress line, or null (not on the console's terminal)
     */
    String run(String specWord, String dirWord, ProgressLine line) {
        Path spec = resolve("spec", specWord);
        SweepSpec s;
        try {
            s = SweepSpec.read(spec, specWord);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sweep: " + e.getMessage());
        }
        String stem = stem(spec.getFileName() == null ? "sweep" : spec.getFileName().toString());
        String shownDir = dirWord != null ? dirWord : sibling(specWord, stem + "-results");
        Path dir = dirWord != null ? resolve("folder", dirWord) : spec.resolveSibling(stem + "-results");
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("sweep: " + shownDir + " is a file, not a folder for the results");
        }
        // A script cell's file, as ScriptRunner names it and reads its includes: beside the spec.
        String scriptPath = s.script() == null ? null : spec.resolveSibling(s.script()).toString();
        ScriptExecutor base = scripts(machines, workloads);
        ScriptExecutor exec = (m, file, lines) -> base.run(m, scriptPath, lines);
        int threads = LocalSweep.threads(s);
        long t0 = System.nanoTime();
        List<Map<String, Object>> rows;
        if (line != null) {
            line.begin("sweep " + specWord, "cells");
        }
        try {
            rows = new LocalSweep(machines, workloads, exec).run(s, threads, line == null ? null : progress(line));
        } catch (CancellationException e) {
            throw new IllegalArgumentException(e.getMessage() + "; no results written");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sweep: " + e.getMessage());
        } finally {
            if (line != null) {
                line.end();
            }
        }
        try {
            Results.write(dir, s.columns(), rows);
        } catch (IOException e) {
            throw new IllegalArgumentException("sweep: cannot write the results into " + shownDir + ": " + ScriptRunner.why(e));
        }
        System.err.printf(Locale.ROOT, "sweep %s: %d cells in %.3f s wall, %d at once%n", specWord, rows.size(),
                (System.nanoTime() - t0) / 1e9, Math.min(threads, rows.size()));
        String summary = summary(s, specWord, shownDir, rows);
        List<String> notDrawn = new ArrayList<>();
        for (SweepSpec.Chart c : s.charts()) {
            try {
                charts.plot(dir.resolve(Results.CSV), c.plot(), dir.resolve(c.file()));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                notDrawn.add(c.file() + " not drawn: " + e.getMessage());
            }
        }
        if (!notDrawn.isEmpty()) {
            throw new IllegalArgumentException("sweep: " + summary.replace("\n", "; ") + "; chart " + String.join("; chart ", notDrawn));
        }
        return summary;
    }

    /** The cells done on the progress line, redrawn at most every 100 ms and at the last. */
    private static LocalSweep.Progress progress(ProgressLine line) {
        long[] last = {0};
        return (done, total) -> {
            long now = System.nanoTime();
            if (done == total || now - last[0] >= 100_000_000L) {
                line.update(done + " of " + total + " cells done", done, done / (double) total);
                last[0] = now;
            }
        };
    }

    /** {@code sweep <spec>: <n> cells of <workload|script>, <f> failed}, each failed cell, where the results are. */
    private static String summary(SweepSpec s, String specWord, String shownDir, List<Map<String, Object>> rows) {
        List<Map<String, Object>> failed = rows.stream().filter(r -> r.get(SweepSpec.ERROR) != null).toList();
        StringJoiner j = new StringJoiner("\n");
        String what = s.workload() != null ? s.workload() : "script " + s.script();
        j.add("sweep " + specWord + ": " + rows.size() + " cells of " + what + ", " + failed.size() + " failed");
        for (int i = 0; i < Math.min(SHOWN_FAILURES, failed.size()); i++) {
            Map<String, Object> r = failed.get(i);
            StringJoiner cell = new StringJoiner(" ");
            for (SweepSpec.Dimension d : s.cross()) {
                cell.add(d.key() + "=" + r.get(d.key()));
            }
            cell.add("seed=" + r.get(SweepSpec.SEED));
            j.add("  cell " + r.get(SweepSpec.CELL) + " (" + cell + "): " + r.get(SweepSpec.ERROR));
        }
        if (failed.size() > SHOWN_FAILURES) {
            j.add("  ... and " + (failed.size() - SHOWN_FAILURES) + " more (the error column of " + Results.CSV + ")");
        }
        String sep = shownDir.endsWith("/") ? "" : "/";
        j.add("results: " + shownDir + sep + Results.CSV + ", " + shownDir + sep + Results.JSON);
        return j.toString();
    }

    private Path resolve(String what, String word) {
        try {
            return scriptFile == null ? Path.of(word) : Path.of(scriptFile).resolveSibling(word);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("sweep: " + what + " " + word + ": not a file name (" + e.getReason() + ")");
        }
    }

    /** A name beside the spec as the user named it: {@code a/b.yaml} gives {@code a/<name>}. */
    private static String sibling(String specWord, String name) {
        int slash = specWord.lastIndexOf('/');
        return slash < 0 ? name : specWord.substring(0, slash + 1) + name;
    }

    /** The spec's name without .yaml or .yml. */
    static String stem(String file) {
        for (String ext : new String[] {".yaml", ".yml"}) {
            if (file.endsWith(ext) && file.length() > ext.length()) {
                return file.substring(0, file.length() - ext.length());
            }
        }
        return file;
    }

    /**
     * {@code ./thplab sweep SPEC [--out DIR]} (the launcher's properties): the summary on stdout,
     * a refusal on stderr, and when stdin and stdout are a terminal the progress line on it.
     */
    static int launch(Commands commands, String spec, String dir) {
        if (System.console() == null) {
            return launch(commands, spec, dir, null, ScriptRunner.STDOUT, ScriptRunner.STDERR);
        }
        Terminal t;
        try {
            t = Console.systemTerminal();
        } catch (IOException e) {
            return launch(commands, spec, dir, null, ScriptRunner.STDOUT, ScriptRunner.STDERR);
        }
        int rc = ScriptRunner.FAILED;
        try (t) {
            rc = launch(commands, spec, dir, new ProgressLine(t), ScriptRunner.STDOUT, ScriptRunner.STDERR);
        } catch (IOException e) {
            // closing the terminal failed, after the sweep: its result stands
        }
        return rc;
    }

    /**
     * {@code ./thplab sweep SPEC [--out DIR]}: runs the sweep, the summary on {@code out}, a
     * refusal on {@code err}.
     *
     * @return {@link ScriptRunner#OK}, {@link ScriptRunner#MISUSED} (the spec refused, a chart not
     *         drawn) or {@link ScriptRunner#UNREADABLE} (the spec cannot be read)
     */
    static int launch(Commands commands, String spec, String dir, ProgressLine line, PrintStream out, PrintStream err) {
        if (!Files.isReadable(Path.of(spec)) || Files.isDirectory(Path.of(spec))) {
            err.println("thplab: sweep: " + spec + ": cannot read: "
                    + (Files.isDirectory(Path.of(spec)) ? "is a directory" : Files.exists(Path.of(spec)) ? "permission denied" : "no such file"));
            return ScriptRunner.UNREADABLE;
        }
        try {
            out.println(new SweepCommand(commands, null, PLOTS).run(spec, dir == null || dir.isEmpty() ? null : dir, line));
            out.flush();
            return ScriptRunner.OK;
        } catch (IllegalArgumentException e) {
            out.flush();
            err.println("thplab: " + e.getMessage());
            return ScriptRunner.MISUSED;
        }
    }
}
