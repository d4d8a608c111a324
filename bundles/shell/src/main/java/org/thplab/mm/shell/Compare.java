package org.thplab.mm.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SimulatedMachine;

/**
 * {@code compare <machine>,<machine>... <file> [<counter-prefix>...]}: runs one script on each of
 * the machines, side by side (a thread each, each with a {@link Commands} of its own pinned to its
 * machine), then prints their vmstat counters in a table, one column per machine, and a last row
 * with each machine's {@code check}. The script's own output is not shown; its first misused
 * line ends the comparison with {@code compare: on machine M: FILE:LINE: message}. A machine's
 * results do not depend on the others, so the table is what running the script on each machine
 * alone would give.
 */
final class Compare {
    private final Commands shell;
    /** The script whose line runs compare, or null: the file is read relative to it, as include reads. */
    private final String scriptFile;

    Compare(Commands shell, String scriptFile) {
        this.shell = shell;
        this.scriptFile = scriptFile;
    }

    String run(String list, String file, String[] prefixes) {
        List<String> names = machines(list);
        String shown;
        List<String> lines;
        try {
            shown = scriptFile == null ? file : Path.of(scriptFile).resolveSibling(file).toString();
            lines = Files.readAllLines(Path.of(shown), StandardCharsets.UTF_8);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("compare: cannot read " + file + ": " + ScriptRunner.why(e));
        }
        knownCounters(names, prefixes);
        runAll(names, shown, lines);
        List<Map<String, Long>> stats = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        for (String n : names) {
            MachineOps m = ops(n);
            try {
                stats.add(m.vmstat());
                List<String> problems = m.check();
                checks.add(problems.isEmpty() ? "ok" : problems.size() + " violations");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("compare: on machine " + n + ": " + e.getMessage());
            }
        }
        return table(names, rows(stats, prefixes), stats, checks);
    }

    /** The machines named, each once, each existing. */
    private List<String> machines(String list) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String n : list.split(",", -1)) {
            if (n.isEmpty() || !names.add(n)) {
                throw new IllegalArgumentException("compare: name two machines or more, each once, separated by commas, not '" + list + "'");
            }
            if (shell.factory().machine(n) == null) {
                throw new IllegalArgumentException("compare: no machine '" + n + "' (machines: "
                        + String.join(", ", shell.factory().names()) + ")");
            }
        }
        if (names.size() < 2) {
            throw new IllegalArgumentException("compare: name two machines or more, each once, separated by commas, not '" + list + "'");
        }
        return new ArrayList<>(names);
    }

    private MachineOps ops(String name) {
        SimulatedMachine m = shell.factory().machine(name);
        if (m == null) {
            throw new IllegalArgumentException("compare: no machine '" + name + "' any more");
        }
        return m.ops();
    }

    /** Runs the script on every machine at once, a thread each; the first misuse (in the machines' order) is the error. */
    private void runAll(List<String> names, String file, List<String> lines) {
        int n = names.size();
        ByteArrayOutputStream[] out = new ByteArrayOutputStream[n];
        int[] rc = new int[n];
        Throwable[] thrown = new Throwable[n];
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            out[k] = new ByteArrayOutputStream();
            Commands pinned = new Commands(shell.factory(), shell.workloads(), names.get(k), "compare");
            threads[k] = new Thread(() -> {
                try (PrintStream ps = new PrintStream(out[k], true, StandardCharsets.UTF_8)) {
                    rc[k] = ScriptRunner.run(pinned, file, lines, ps);
                } catch (RuntimeException | Error e) {
                    thrown[k] = e;
                }
            }, "thplab-compare-" + names.get(k));
            threads[k].start();
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the threads run to their end: each holds a machine's lock per line
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < n; i++) {
            if (thrown[i] instanceof RuntimeException r) {
                throw r;
            }
            if (thrown[i] instanceof Error e) {
                throw e;
            }
            if (rc[i] != 0) {
                String transcript = out[i].toString(StandardCharsets.UTF_8).strip();
                String last = transcript.substring(transcript.lastIndexOf('\n') + 1);
                throw new IllegalArgumentException("compare: on machine " + names.get(i) + ": " + last);
            }
        }
    }

    /**
     * Refuses a prefix no counter has before the script runs: a misuse changes nothing. Every
     * machine has the same counters; those of the first one booted are read (when none is, the
     * script boots them, and {@link #rows} refuses the prefix afterwards).
     */
    private void knownCounters(List<String> names, String[] prefixes) {
        for (String n : names) {
            MachineOps m = ops(n);
            if (m.bootParameters() != null) {
                rows(List.of(m.vmstat()), prefixes);
                return;
            }
        }
    }

    /** The counters to show: those with one of the prefixes, or without prefixes those that differ, in vmstat's order. */
    private static List<String> rows(List<Map<String, Long>> stats, String[] prefixes) {
        List<String> rows = new ArrayList<>();
        for (String p : prefixes) {
            if (stats.get(0).keySet().stream().noneMatch(c -> c.startsWith(p))) {
                throw new IllegalArgumentException("compare: no counter starts with '" + p + "'");
            }
        }
        for (String c : stats.get(0).keySet()) {
            boolean show;
            if (prefixes.length == 0) {
                show = stats.stream().anyMatch(s -> !Objects.equals(s.get(c), stats.get(0).get(c)));
            } else {
                show = false;
                for (String p : prefixes) {
                    show |= c.startsWith(p);
                }
            }
            if (show) {
                rows.add(c);
            }
        }
        return rows;
    }

    private static String table(List<String> names, List<String> rows, List<Map<String, Long>> stats, List<String> checks) {
        int first = Math.max("counter".length(), "check".length());
        for (String r : rows) {
            first = Math.max(first, r.length());
        }
        int[] width = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            width[i] = Math.max(names.get(i).length(), checks.get(i).length());
            for (String r : rows) {
                width[i] = Math.max(width[i], String.valueOf(stats.get(i).get(r)).length());
            }
        }
        StringJoiner out = new StringJoiner("\n");
        out.add(line(first, width, "counter", names));
        for (String r : rows) {
            List<String> values = new ArrayList<>();
            for (Map<String, Long> s : stats) {
                values.add(String.valueOf(s.get(r)));
            }
            out.add(line(first, width, r, values));
        }
        out.add(line(first, width, "check", checks));
        return out.toString();
    }

    private static String line(int first, int[] width, String label, List<String> cells) {
        StringBuilder b = new StringBuilder(String.format("%-" + first + "s", label));
        for (int i = 0; i < cells.size(); i++) {
            b.append(String.format("  %" + width[i] + "s", cells.get(i)));
        }
        return b.toString();
    }
}
