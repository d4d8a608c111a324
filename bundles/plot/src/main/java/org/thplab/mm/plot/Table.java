package org.thplab.mm.plot;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A table read from a recording or a sweep's results: named columns, rows of raw cell text
 * ({@code null} = no value), and a JSON recording's fault latency histogram. Cells stay text
 * so that a parameter's value is labelled as it was written ({@code 2M}, {@code 1000}).
 */
final class Table {
    /** The file, as named in messages. */
    final String source;
    final List<String> columns;
    final List<String[]> rows;
    /** A JSON recording's "machine", or null. */
    final String machine;
    /** A JSON recording's fault_latency, or null. */
    final Latency latency;
    final boolean json;
    private final Map<String, Integer> index = new HashMap<>();

    /** A histogram: count[i] faults took at most le[i] ns (and more than le[i - 1]). */
    record Latency(double[] le, double[] count) { }

    Table(String source, List<String> columns, List<String[]> rows, String machine, Latency latency, boolean json) {
        this.source = source;
        this.columns = List.copyOf(columns);
        this.rows = rows;
        this.machine = machine;
        this.latency = latency;
        this.json = json;
        for (int i = 0; i < columns.size(); i++) {
            index.putIfAbsent(columns.get(i), i);
        }
    }

    boolean has(String column) {
        return index.containsKey(column);
    }

    /** @return the column's index; IllegalArgumentException naming close columns when absent */
    int column(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException(source + " has no column " + name + closeNames(name));
        }
        return i;
    }

    /** @return row {@code r}'s cell of column {@code c} as text, null when it has no value */
    String text(int r, int c) {
        String[] row = rows.get(r);
        return c < row.length ? row[c] : null;
    }

    /** @return row {@code r}'s cell of column {@code c} as a number, null when it has no value */
    Double number(int r, int c) {
        String s = text(r, c);
        if (s == null) {
            return null;
        }
        Double d = parse(s);
        if (d == null) {
            throw new IllegalArgumentException(source + ": column " + columns.get(c) + ", row " + (r + 1)
                    + ": '" + s + "' is not a number");
        }
        return d;
    }

    /**
     * A decimal number, as the tables write them; not Java's literals (NaN, Infinity, 0x1p3,
     * 1d), which Double.parseDouble would also take.
     */
    static Double parse(String s) {
        try {
            return new BigDecimal(s.trim()).doubleValue();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** " (close: a, b)", or the first columns when none is close. */
    String closeNames(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        List<String> close = new ArrayList<>();
        Map<String, Integer> dist = new HashMap<>();
        for (String c : columns) {
            String l = c.toLowerCase(Locale.ROOT);
            int d = distance(n, l);
            if (d <= Math.max(2, n.length() / 3) || (n.length() >= 3 && l.contains(n)) || (l.length() >= 3 && n.contains(l))) {
                close.add(c);
                dist.put(c, d);
            }
        }
        close.sort(Comparator.comparing((String c) -> dist.get(c)).thenComparing(Comparator.naturalOrder()));
        if (!close.isEmpty()) {
            return " (close: " + String.join(", ", close.subList(0, Math.min(6, close.size()))) + ")";
        }
        if (columns.isEmpty()) {
            return " (it has no columns)";
        }
        List<String> some = columns.subList(0, Math.min(12, columns.size()));
        return " (columns: " + String.join(", ", some) + (columns.size() > some.size() ? ", ..." : "") + ")";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * Reads a .csv (header row, one row per sample or cell) or a .json (a recording object or an
     * array of row objects). Every problem with the file is an IllegalArgumentException naming it.
     */
    static Table read(Path input) {
        String name = input.toString();
        String ext = extension(input);
        if (!ext.equals("csv") && !ext.equals("json")) {
            throw new IllegalArgumentException(name + ": the input must be a .csv or .json table");
        }
        if (Files.isDirectory(input)) {
            throw new IllegalArgumentException("cannot read " + name + ": it is a directory");
        }
        try {
            return ext.equals("csv") ? readCsv(input, name) : readJson(input, name);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read " + name + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("cannot read " + name + ": permission denied");
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot read " + name + ": not " + (ext.equals("csv") ? "CSV" : "JSON")
                    + " (" + e.getOriginalMessage() + location(e) + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + name + ": " + e.getMessage());
        }
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null ? ""
                : ", line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    static String extension(Path p) {
        Path f = p.getFileName();
        String s = f == null ? "" : f.toString();
        int dot = s.lastIndexOf('.');
        return dot < 0 ? "" : s.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static Table readCsv(Path input, String name) throws IOException {
        CsvMapper mapper = new CsvMapper();
        CsvSchema header = CsvSchema.emptySchema().withHeader();
        List<Map<String, String>> maps = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        // streams of Files, whose exceptions say what is wrong (NoSuchFileException, AccessDeniedException)
        try (InputStream in = Files.newInputStream(input);
                MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class).with(header).readValues(in)) {
            while (it.hasNextValue()) {
                maps.add(it.nextValue());
            }
            // the header's order (a Map row may lack trailing cells)
            if (it.getParserSchema() instanceof CsvSchema s) {
                for (CsvSchema.Column c : s) {
                    columns.add(c.getName());
                }
            }
        }
        List<String[]> rows = new ArrayList<>(maps.size());
        for (Map<String, String> m : maps) {
            String[] row = new String[columns.size()];
            for (int i = 0; i < row.length; i++) {
                String v = m.get(columns.get(i));
                row[i] = v == null || v.isEmpty() ? null : v;
            }
            rows.add(row);
        }
        return new Table(name, columns, rows, null, null, false);
    }

    private static Table readJson(Path input, String name) throws IOException {
        JsonNode root;
        try (InputStream in = Files.newInputStream(input)) {
            root = new ObjectMapper().readTree(in);
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("cannot read " + name + ": it is empty");
        }
        if (root.isArray()) {
            return rowsTable(name, root, new ArrayList<>(), null, null);
        }
        if (root.isObject() && root.has("samples")) {
            JsonNode samples = root.get("samples");
            if (!samples.isArray()) {
                throw new IllegalArgumentException("cannot read " + name + ": \"samples\" is not an array");
            }
            List<String> columns = new ArrayList<>();
            JsonNode cols = root.get("columns");
            if (cols != null && cols.isArray()) {
                for (JsonNode c : cols) {
                    columns.add(c.asText());
                }
            }
            JsonNode m = root.get("machine");
            String machine = m == null || m.isNull() ? null : m.asText();
            return rowsTable(name, samples, columns, machine, latency(name, root.get("fault_latency")));
        }
        throw new IllegalArgumentException("cannot read " + name
                + ": neither a recording (an object with \"samples\") nor a results table (an array of rows)");
    }

    private static Table rowsTable(String name, JsonNode array, List<String> columns, String machine, Latency latency) {
        List<String> cols = new ArrayList<>(columns);
        Map<String, Integer> at = new LinkedHashMap<>();
        for (int i = 0; i < cols.size(); i++) {
            at.putIfAbsent(cols.get(i), i);
        }
        int n = 0;
        for (JsonNode row : array) {
            n++;
            if (!row.isObject()) {
                throw new IllegalArgumentException("cannot read " + name + ": row " + n + " is not an object");
            }
            for (Iterator<String> f = row.fieldNames(); f.hasNext(); ) {
                String k = f.next();
                if (!at.containsKey(k)) {
                    at.put(k, cols.size());
                    cols.add(k);
                }
            }
        }
        List<String[]> rows = new ArrayList<>(n);
        for (JsonNode row : array) {
            String[] cells = new String[cols.size()];
            for (Iterator<Map.Entry<String, JsonNode>> f = row.fields(); f.hasNext(); ) {
                Map.Entry<String, JsonNode> e = f.next();
                JsonNode v = e.getValue();
                String s = v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
                cells[at.get(e.getKey())] = s == null || s.isEmpty() ? null : s;
            }
            rows.add(cells);
        }
        return new Table(name, cols, rows, machine, latency, true);
    }

    private static Latency latency(String name, JsonNode h) {
        if (h == null || h.isNull()) {
            return null;
        }
        JsonNode le = h.get("le_ns");
        JsonNode count = h.get("count");
        if (le == null || count == null || !le.isArray() || !count.isArray() || le.size() != count.size()) {
            throw new IllegalArgumentException("cannot read " + name
                    + ": fault_latency needs arrays le_ns and count of the same length");
        }
        double[] l = new double[le.size()];
        double[] c = new double[le.size()];
        for (int i = 0; i < l.length; i++) {
            if (!le.get(i).isNumber() || !count.get(i).isNumber()) {
                throw new IllegalArgumentException("cannot read " + name + ": fault_latency entry " + i + " is not a number");
            }
            l[i] = le.get(i).asDouble();
            c[i] = count.get(i).asDouble();
        }
        return new Latency(l, c);
    }

    /** The distinct values of a column, numerically sorted when all are numbers, else as text. */
    static List<String> sortedValues(java.util.Collection<String> values) {
        List<String> v = new ArrayList<>(values);
        boolean numeric = v.stream().allMatch(s -> parse(s) != null);
        if (numeric) {
            v.sort(Comparator.comparingDouble((String s) -> parse(s)).thenComparing(Comparator.naturalOrder()));
        } else {
            Collections.sort(v);
        }
        return v;
    }
}
