package org.thplab.mm.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.SequenceWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.thplab.mm.api.LatencyHistogram;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.Recording;
import org.thplab.mm.plot.Plots;

/**
 * {@code record start [interval=<duration>] [counters=<prefix>,...] | stop | show <column-prefix>... |
 * save <file>.csv|.json}, and {@code record} alone for the state: the shell's side of
 * {@link MachineOps#recordStart}. The files are written with Jackson (CSV with a header row, one
 * row per sample; JSON with the samples as objects), never by hand.
 */
final class RecordCommand {
    /** The default sampling interval: ten samples per simulated second. */
    static final long DEFAULT_INTERVAL = 100_000_000L;

    private RecordCommand() {
    }

    static String run(MachineOps ops, String[] a, String scriptFile) {
        if (a.length == 0) {
            Recording r = ops.recording();
            if (r == null) {
                return "no recording (record start begins one)";
            }
            return (r.running() ? "recording" : "recorded") + ": " + summary(r);
        }
        List<String> rest = Arrays.asList(a).subList(1, a.length);
        switch (a[0]) {
            case "start":
                return start(ops, rest);
            case "stop":
                none(rest, "stop");
                return "recording stopped: " + summary(ops.recordStop());
            case "show":
                return show(recorded(ops), rest);
            case "save":
                if (rest.size() != 1) {
                    throw new IllegalArgumentException("record: save takes one file, <name>.csv or <name>.json");
                }
                return save(recorded(ops), rest.get(0), scriptFile);
            default:
                throw new IllegalArgumentException("record: unknown subcommand '" + a[0] + "' (start, stop, show, save)");
        }
    }

    private static void none(List<String> rest, String sub) {
        if (!rest.isEmpty()) {
            throw new IllegalArgumentException("record: " + sub + " takes no arguments, not " + String.join(" ", rest));
        }
    }

    private static Recording recorded(MachineOps ops) {
        Recording r = ops.recording();
        if (r == null) {
            throw new IllegalArgumentException("record: nothing recorded on this machine (record start begins a recording)");
        }
        return r;
    }

    private static String start(MachineOps ops, List<String> options) {
        long interval = DEFAULT_INTERVAL;
        List<String> prefixes = List.of();
        for (String o : options) {
            if (o.startsWith("interval=")) {
                String v = o.substring("interval=".length());
                try {
                    interval = Sizes.duration(v);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("record: bad interval '" + v + "' (a duration: 500us, 10ms, 1s; plain numbers are ms)");
                }
            } else if (o.startsWith("counters=")) {
                prefixes = Arrays.asList(o.substring("counters=".length()).split(",", -1));
            } else {
                throw new IllegalArgumentException("record: unknown option '" + o + "' (interval=<duration>, counters=<prefix>,...)");
            }
        }
        ops.recordStart(interval, prefixes);
        Recording r = ops.recording();
        return "recording every " + duration(interval) + " of simulated time: " + r.columns().size() + " columns";
    }

    static String summary(Recording r) {
        long span = r.samples() == 0 ? 0 : r.value(r.samples() - 1, 0) - r.value(0, 0);
        return r.samples() + " samples of " + r.columns().size() + " columns every " + duration(r.intervalNanos()) + " over "
                + duration(span) + (r.truncated() ? " (truncated: the limit of samples was reached)" : "");
    }

    private static String duration(long ns) {
        if (ns % 1_000_000_000L == 0) {
            return ns / 1_000_000_000L + "s";
        }
        if (ns % 1_000_000L == 0) {
            return ns / 1_000_000L + "ms";
        }
        if (ns % 1_000L == 0 && ns < 1_000_000L) {
            return ns / 1_000L + "us";
        }
        return ns < 1_000_000L ? ns + "ns" : String.format(Locale.ROOT, "%.6f s", ns / 1e9);
    }

    /** The samples of the columns whose names start with one of the prefixes, as a table. */
    private static String show(Recording r, List<String> prefixes) {
        if (prefixes.isEmpty()) {
            throw new IllegalArgumentException("record: show takes one column prefix or more (e.g. thp_fault_alloc meminfo.AnonHugePages)");
        }
        List<Integer> cols = new ArrayList<>();
        for (int c = 1; c < r.columns().size(); c++) {
            for (String p : prefixes) {
                if (r.columns().get(c).startsWith(p)) {
                    cols.add(c);
                    break;
                }
            }
        }
        if (cols.isEmpty()) {
            throw new IllegalArgumentException("record: no column starts with " + String.join(" or ", prefixes)
                    + " (record save writes them all; vmstat, meminfo., proc.<name>., report.)");
        }
        StringJoiner out = new StringJoiner("\n");
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%14s", Recording.TIME));
        for (int c : cols) {
            h.append(String.format(Locale.ROOT, " %" + Math.max(10, r.columns().get(c).length()) + "s", r.columns().get(c)));
        }
        out.add(h);
        for (int s = 0; s < r.samples(); s++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%14d", r.value(s, 0)));
            for (int c : cols) {
                long v = r.value(s, c);
                line.append(String.format(Locale.ROOT, " %" + Math.max(10, r.columns().get(c).length()) + "s",
                        v == Recording.NONE ? "-" : Long.toString(v)));
            }
            out.add(line);
        }
        return out.toString();
    }

    private static String save(Recording r, String file, String scriptFile) {
        boolean csv = file.endsWith(".csv");
        if (!csv && !file.endsWith(".json")) {
            throw new IllegalArgumentException("record: save writes <name>.csv or <name>.json, not " + file);
        }
        Path out = scriptFile == null ? Path.of(file) : Path.of(scriptFile).resolveSibling(file);
        try {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            if (csv) {
                writeCsv(r, out);
            } else {
                writeJson(r, out);
            }
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("record: cannot write " + file + ": " + ScriptRunner.why(e));
        }
        return "saved " + r.samples() + " samples of " + r.columns().size() + " columns to " + file;
    }

    /** {@code plot <table> <what> <file>}: a chart of a saved recording or sweep result ({@link Plots}). */
    static String plot(String table, String what, String file, String scriptFile) {
        Path in;
        Path out;
        try {
            in = scriptFile == null ? Path.of(table) : Path.of(scriptFile).resolveSibling(table);
            out = scriptFile == null ? Path.of(file) : Path.of(scriptFile).resolveSibling(file);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("plot: not a file name: " + e.getInput());
        }
        try {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Plots.plot(in, what, out);
        } catch (IllegalArgumentException e) {
            // the names as given, not as resolved against the script: a transcript is the same in every checkout
            String m = String.valueOf(e.getMessage()).replace(in.toString(), table).replace(out.toString(), file);
            throw new IllegalArgumentException("plot: " + m, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("plot: cannot write " + file + ": " + ScriptRunner.why(e));
        }
        return "plotted " + what + " of " + table + " to " + file;
    }

    /** CSV: the header row, then one row per sample; a column without a value is an empty cell. */
    static void writeCsv(Recording r, Path out) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        for (String c : r.columns()) {
            schema.addColumn(c, CsvSchema.ColumnType.NUMBER);
        }
        // Quote a cell only when it needs it (the default quotes every name over 24 characters).
        CsvMapper mapper = CsvMapper.builder().enable(com.fasterxml.jackson.dataformat.csv.CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();
        try (SequenceWriter w = mapper.writer(schema.build()).writeValues(out.toFile())) {
            for (int s = 0; s < r.samples(); s++) {
                Object[] row = new Object[r.columns().size()];
                for (int c = 0; c < row.length; c++) {
                    long v = r.value(s, c);
                    row[c] = v == Recording.NONE ? null : v;
                }
                w.write(row);
            }
        }
    }

    /** JSON: the recording's parameters, its columns, its samples as objects and the fault latencies. */
    static void writeJson(Recording r, Path out) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("machine", r.machine());
        root.put("interval_ns", r.intervalNanos());
        root.put("truncated", r.truncated());
        ArrayNode columns = root.putArray("columns");
        r.columns().forEach(columns::add);
        ArrayNode samples = root.putArray("samples");
        for (int s = 0; s < r.samples(); s++) {
            ObjectNode o = samples.addObject();
            for (int c = 0; c < r.columns().size(); c++) {
                long v = r.value(s, c);
                if (v != Recording.NONE) {
                    o.put(r.columns().get(c), v);
                }
            }
        }
        LatencyHistogram h = r.faultLatency();
        if (h != null && h.count() > 0) {
            ObjectNode fl = root.putObject("fault_latency");
            ArrayNode le = fl.putArray("le_ns");
            ArrayNode count = fl.putArray("count");
            for (long[] b : h.buckets()) {
                le.add(b[1]);
                count.add(b[2]);
            }
        }
        mapper.writeValue(out.toFile(), root);
    }
}
