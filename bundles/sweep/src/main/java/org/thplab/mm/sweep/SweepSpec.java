package org.thplab.mm.sweep;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sweep as its YAML file gives it (docs/sweeps.md): a workload or a script, fixed policies,
 * sysfs knobs and parameters, the dimensions crossed, the seeds, the measures each cell gives
 * and the charts to draw. {@link #read} checks everything that needs no machine; {@link SpecCheck}
 * checks the names against a runtime. Serializable, so that Spark ships it to its executors with
 * the script's lines in it (an executor need not see the spec's folder).
 *
 * @param file        the spec as its reader named it, for messages
 * @param workload    the workload of every cell, or null for a script sweep
 * @param script      the script as the spec names it (relative to the spec), or null
 * @param scriptLines the script's lines, read with the spec
 * @param boot        what a script cell's machine is booted with before its script, or null
 * @param policies    fixed policy selection, kind to value, applied before the crossed ones
 * @param sysfs       fixed sysfs knobs, knob to value, written before the crossed ones
 * @param params      fixed workload parameters (for a script: its variables)
 * @param cross       the crossed dimensions, in the spec's order
 * @param seeds       the seeds, innermost
 * @param seedsGiven  whether the spec named its seeds ({@code [0]} otherwise)
 * @param measures    what each row gives, in order
 * @param charts      what the caller should draw from the results
 * @param parallel    cells at once, or 0 for the available processors
 */
public record SweepSpec(String file, String workload, String script, List<String> scriptLines, Boot boot,
        Map<String, String> policies, Map<String, String> sysfs, Map<String, String> params, List<Dimension> cross,
        List<Long> seeds, boolean seedsGiven, List<String> measures, List<Chart> charts, int parallel) implements Serializable {

    private static final long serialVersionUID = 1L;
    /** More cells than this is a typo in a range, not a sweep. */
    public static final int MAX_CELLS = 1_000_000;
    /** The columns every row has besides the crossed ones and the measures. */
    public static final String CELL = "cell";
    public static final String SEED = "seed";
    public static final String ERROR = "error";
    /** The prefixes of a crossed dimension's key. */
    public static final String POLICY = "policy.";
    public static final String SYSFS = "sysfs.";
    public static final String PARAM = "param.";
    /** A script's placeholders: {@code ${seed}}, {@code ${name}}. */
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    /** What a script cell's machine boots with: bytes of RAM and of swap (the seed is the cell's). */
    public record Boot(long bytes, long swap) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** One crossed dimension: its key ({@code policy.reclaim}, {@code sysfs.<knob>}, {@code param.<name>}) and values. */
    public record Dimension(String key, List<String> values) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Dimension {
            values = List.copyOf(values);
        }

        /** @return the part after the prefix: the kind, the knob or the parameter */
        public String name() {
            return key.substring(key.indexOf('.') + 1);
        }
    }

    /** One chart: the plot bundle's words for it and the file it goes to, in the results' folder. */
    public record Chart(String plot, String file) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The file's shape, as Jackson reads it: an unknown key at any level is an error naming it. */
    record Yaml(String workload, String script, String boot, Map<String, String> policies, Map<String, String> sysfs,
            Map<String, String> params, LinkedHashMap<String, List<String>> cross, JsonNode seeds, List<String> measures,
            List<ChartYaml> charts, Integer parallel) {
    }

    record ChartYaml(String plot, String file) {
    }

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .build();

    /** Reads and checks a spec file; its script, if any, is read relative to it. */
    public static SweepSpec read(Path file) {
        return read(file, file.toString());
    }

    /** As {@link #read(Path)}, naming the file {@code shown} in messages. */
    public static SweepSpec read(Path file, String shown) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | InvalidPathException e) {
            throw new SpecException(shown + ": cannot read: " + why(e));
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, shown, dir);
    }

    /**
     * Parses and checks a spec's text.
     *
     * @param dir where its script is, or null when it may name none
     */
    public static SweepSpec parse(String text, String shown, Path dir) {
        Yaml y;
        if (text.isBlank()) {
            throw new SpecException(shown + ": empty: a spec names a workload or a script, and its measures (docs/sweeps.md)");
        }
        try {
            y = YAML.readValue(text.startsWith("\uFEFF") ? text.substring(1) : text, Yaml.class);
        } catch (JsonProcessingException e) {
            throw new SpecException(shown + ": " + jacksonProblem(e));
        } catch (RuntimeException e) {
            // snakeyaml's own limits (nesting, aliases, document size) on a hostile file
            throw new SpecException(shown + ": not a spec: " + e.getMessage());
        }
        if (y == null) {
            throw new SpecException(shown + ": empty: a spec names a workload or a script, and its measures (docs/sweeps.md)");
        }
        return new Builder(shown, dir).build(y);
    }

    /** Jackson's complaint in a user's words: where, and what was expected. */
    private static String jacksonProblem(JsonProcessingException e) {
        String line = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
        if (e instanceof UnrecognizedPropertyException u) {
            // no line: the YAML parser's location is past the key, at the end of its value
            String where = path(u.getPath().subList(0, u.getPath().size() - 1));
            List<String> known = new ArrayList<>();
            Class<?> c = u.getReferringClass();
            if (c != null && c.isRecord()) {
                for (java.lang.reflect.RecordComponent rc : c.getRecordComponents()) {
                    known.add(rc.getName()); // the file's order, not the hash set's
                }
            } else {
                u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
            }
            return (where.isEmpty() ? "" : where + ": ") + "unknown key '" + u.getPropertyName() + "' (known: "
                    + String.join(", ", known) + ")";
        }
        if (e instanceof MismatchedInputException m) {
            String where = path(m.getPath());
            Class<?> t = m.getTargetType();
            String expected = t == null ? "another kind of value"
                    : List.class.isAssignableFrom(t) ? "a list, e.g. [a, b]"
                    : Map.class.isAssignableFrom(t) || t == Yaml.class || t == ChartYaml.class ? "a mapping of keys to values"
                    : t == Integer.class || t == int.class ? "a whole number"
                    : t == String.class ? "a single value" : "a " + t.getSimpleName();
            return line + (where.isEmpty() ? "the spec" : where) + ": expected " + expected;
        }
        if (e instanceof JsonParseException p) {
            return line + p.getOriginalMessage();
        }
        return line + e.getOriginalMessage();
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** Why a file cannot be read, in a few words. */
    static String why(Exception e) {
        if (e instanceof InvalidPathException p) {
            return "not a file name (" + p.getReason() + ")";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        String m = e.getMessage();
        if (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("is a directory")) {
            return "is a directory";
        }
        return m == null ? "I/O error" : m;
    }

    /** The checks of one spec, each refusal naming the file and the key. */
    private static final class Builder {
        private final String shown;
        private final Path dir;

        Builder(String shown, Path dir) {
            this.shown = shown;
            this.dir = dir;
        }

        private SpecException problem(String what) {
            return new SpecException(shown + ": " + what);
        }

        SweepSpec build(Yaml y) {
            String workload = blankToNull(y.workload());
            String script = blankToNull(y.script());
            if ((workload == null) == (script == null)) {
                throw problem(workload == null ? "name a workload (workload: rfc-fork) or a script (script: cell.mm)"
                        : "workload: and script: do not go together: a sweep runs one or the other");
            }
            List<String> lines = script == null ? null : readScript(script);
            Boot boot = boot(y.boot(), workload);
            Map<String, String> policies = fixed("policies", y.policies());
            Map<String, String> sysfs = fixed("sysfs", y.sysfs());
            Map<String, String> params = fixed("params", y.params());
            List<Dimension> cross = cross(y.cross());
            for (Dimension d : cross) {
                Map<String, String> fixed = d.key().startsWith(POLICY) ? policies : d.key().startsWith(SYSFS) ? sysfs : params;
                String section = d.key().startsWith(POLICY) ? "policies" : d.key().startsWith(SYSFS) ? "sysfs" : "params";
                if (fixed.containsKey(d.name())) {
                    throw problem("cross." + d.key() + ": " + section + "." + d.name() + " is fixed too; it is one or the other");
                }
            }
            if (params.containsKey(SEED) || cross.stream().anyMatch(d -> d.key().equals(PARAM + SEED))) {
                throw problem("the seed is not a parameter: each cell's comes from seeds: (and reaches the workload as seed=)");
            }
            boolean seedsGiven = y.seeds() != null && !y.seeds().isNull();
            List<Long> seeds = seedsGiven ? seeds(y.seeds()) : List.of(0L);
            List<String> measures = measures(y.measures(), cross);
            List<Chart> charts = charts(y.charts());
            int parallel = parallel(y.parallel());
            long cells = seeds.size();
            for (Dimension d : cross) {
                cells *= d.values().size();
                if (cells > MAX_CELLS) {
                    break;
                }
            }
            if (cells > MAX_CELLS) {
                throw problem("more than " + MAX_CELLS + " cells (the crossed values times the seeds): is a range too wide?");
            }
            SweepSpec spec = new SweepSpec(shown, workload, script, lines, boot, policies, sysfs, params, cross, seeds, seedsGiven,
                    measures, charts, parallel);
            if (script != null) {
                checkVariables(spec);
            }
            return spec;
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.strip();
        }

        private List<String> readScript(String script) {
            if (dir == null) {
                throw problem("script: " + script + ": this spec has no folder to read it from");
            }
            try {
                List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve(script), StandardCharsets.UTF_8));
                if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
                    lines.set(0, lines.get(0).substring(1));
                }
                return Collections.unmodifiableList(lines);
            } catch (IOException | InvalidPathException e) {
                throw problem("script: " + script + ": cannot read: " + why(e));
            }
        }

        /** {@code <size> [swap=<size>]}, for script cells only: a workload boots its machine itself. */
        private Boot boot(String words, String workload) {
            if (words == null || words.isBlank()) {
                return null;
            }
            if (workload != null) {
                throw problem("boot: is for script cells; a workload boots its machine itself, from its own parameters"
                        + " (put params: {size: 4G} instead)");
            }
            String[] w = words.strip().split("\\s+");
            long bytes = Sizes.bytes(shown + ": boot", w[0]);
            long swap = 0;
            for (int i = 1; i < w.length; i++) {
                if (w[i].startsWith("swap=")) {
                    swap = Sizes.bytes(shown + ": boot swap", w[i].substring(5));
                } else if (w[i].startsWith("seed=")) {
                    throw problem("boot: no seed= here: each cell boots with its own seed, from seeds:");
                } else {
                    throw problem("boot: unknown word '" + w[i] + "' (boot: <size> [swap=<size>])");
                }
            }
            return new Boot(bytes, swap);
        }

        private Map<String, String> fixed(String section, Map<String, String> m) {
            Map<String, String> out = new LinkedHashMap<>();
            if (m != null) {
                m.forEach((k, v) -> {
                    if (k == null || k.isBlank()) {
                        throw problem(section + ": an empty key");
                    }
                    if (v == null || v.isBlank()) {
                        throw problem(section + "." + k + ": no value");
                    }
                    out.put(k.strip(), v.strip());
                });
            }
            return Collections.unmodifiableMap(out);
        }

        private List<Dimension> cross(LinkedHashMap<String, List<String>> m) {
            List<Dimension> out = new ArrayList<>();
            if (m == null) {
                return List.of();
            }
            for (Map.Entry<String, List<String>> e : m.entrySet()) {
                String k = e.getKey() == null ? "" : e.getKey().strip();
                boolean known = k.startsWith(POLICY) || k.startsWith(SYSFS) || k.startsWith(PARAM);
                if (!known || k.substring(k.indexOf('.') + 1).isEmpty()) {
                    throw problem("cross." + k + ": a crossed key is policy.<kind>, sysfs.<knob> or param.<name>");
                }
                List<String> values = e.getValue();
                if (values == null || values.isEmpty()) {
                    throw problem("cross." + k + ": no values (a dimension needs one at least)");
                }
                List<String> clean = new ArrayList<>();
                for (String v : values) {
                    if (v == null || v.isBlank()) {
                        throw problem("cross." + k + ": an empty value");
                    }
                    if (clean.contains(v.strip())) {
                        throw problem("cross." + k + ": '" + v.strip() + "' twice");
                    }
                    clean.add(v.strip());
                }
                out.add(new Dimension(k, clean));
            }
            return List.copyOf(out);
        }

        /** A list of whole numbers, one number, or a range {@code a..b}. */
        private List<Long> seeds(JsonNode n) {
            List<Long> out = new ArrayList<>();
            if (n.isArray()) {
                for (JsonNode s : n) {
                    out.add(seed(s));
                }
            } else if (n.isTextual() && n.asText().contains("..")) {
                String[] ab = n.asText().strip().split("\\.\\.", -1);
                long a;
                long b;
                try {
                    a = Long.parseLong(ab[0].strip());
                    b = Long.parseLong(ab[1].strip());
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                    throw problem("seeds: bad range '" + n.asText() + "' (a..b, whole numbers, e.g. 1..20)");
                }
                if (ab.length != 2 || b < a) {
                    throw problem("seeds: bad range '" + n.asText() + "' (a..b with a <= b, e.g. 1..20)");
                }
                if (b - a >= MAX_CELLS || b - a < 0) {
                    throw problem("seeds: range '" + n.asText() + "' has more than " + MAX_CELLS + " seeds");
                }
                for (long s = a; s <= b; s++) {
                    out.add(s);
                }
            } else {
                out.add(seed(n));
            }
            if (out.isEmpty()) {
                throw problem("seeds: none (a list, e.g. [1, 2, 3], or a range, e.g. 1..20)");
            }
            Set<Long> seen = new HashSet<>();
            for (Long s : out) {
                if (!seen.add(s)) {
                    throw problem("seeds: " + s + " twice");
                }
            }
            return List.copyOf(out);
        }

        private long seed(JsonNode s) {
            if (s.isIntegralNumber() && s.canConvertToLong()) {
                return s.asLong();
            }
            if (s.isTextual()) {
                try {
                    return Long.parseLong(s.asText().strip());
                } catch (NumberFormatException e) {
                    // below
                }
            }
            throw problem("seeds: '" + s.asText() + "' is not a whole number (a list, e.g. [1, 2, 3], or a range, e.g. 1..20)");
        }

        private List<String> measures(List<String> m, List<Dimension> cross) {
            if (m == null || m.isEmpty()) {
                throw problem("measures: none; name what each cell gives, e.g. [children_completed, thp_fault_alloc]");
            }
            Set<String> columns = new HashSet<>(List.of(CELL, SEED, ERROR));
            cross.forEach(d -> columns.add(d.key()));
            List<String> out = new ArrayList<>();
            for (String s : m) {
                if (s == null || s.isBlank()) {
                    throw problem("measures: an empty name");
                }
                String name = s.strip();
                if (columns.contains(name)) {
                    throw problem("measures: '" + name + "' is a column of every row already");
                }
                if (out.contains(name)) {
                    throw problem("measures: '" + name + "' twice");
                }
                out.add(name);
            }
            return List.copyOf(out);
        }

        private List<Chart> charts(List<ChartYaml> c) {
            if (c == null) {
                return List.of();
            }
            List<Chart> out = new ArrayList<>();
            Set<String> files = new HashSet<>(List.of(Results.CSV, Results.JSON));
            for (int i = 0; i < c.size(); i++) {
                ChartYaml y = c.get(i);
                String where = "charts[" + i + "]";
                if (y == null || y.plot() == null || y.plot().isBlank()) {
                    throw problem(where + ": no plot: (what to draw, e.g. plot: \"heatmap=children:sysfs.promotion_threshold:policy.reclaim\")");
                }
                String f = y.file() == null ? "" : y.file().strip();
                if (f.isEmpty() || f.contains("/") || f.contains("\\") || f.equals(".") || f.equals("..")) {
                    throw problem(where + ": file: a file name in the results' folder (e.g. children.svg), not '" + f + "'");
                }
                if (!files.add(f)) {
                    throw problem(where + ": file " + f + " is written already");
                }
                out.add(new Chart(y.plot().strip(), f));
            }
            return List.copyOf(out);
        }

        private int parallel(Integer p) {
            if (p == null) {
                return 0;
            }
            if (p < 1 || p > 1024) {
                throw problem("parallel: " + p + " cells at once? from 1 to 1024 (leave it out for the processors available)");
            }
            return p;
        }

        /**
         * A script's variables are {@code seed}, the fixed params and the crossed param.* ones:
         * each placeholder must be one of them, each of them must be used, and seeds given must
         * reach the cell (through boot: or ${seed}).
         */
        private void checkVariables(SweepSpec spec) {
            Set<String> used = new TreeSet<>();
            for (String l : spec.scriptLines()) {
                Matcher m = PLACEHOLDER.matcher(l);
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
            Set<String> defined = new LinkedHashSet<>();
            defined.add(SEED);
            defined.addAll(spec.params().keySet());
            spec.cross().stream().filter(d -> d.key().startsWith(PARAM)).forEach(d -> defined.add(d.name()));
            for (String u : used) {
                if (!defined.contains(u)) {
                    throw problem("script " + spec.script() + ": ${" + u + "} has no value (the script's variables: "
                            + String.join(", ", defined) + ")");
                }
            }
            for (String d : defined) {
                if (!d.equals(SEED) && !used.contains(d)) {
                    throw problem("script " + spec.script() + ": " + d + " is given but the script has no ${" + d + "}");
                }
            }
            if (spec.seedsGiven() && spec.boot() == null && !used.contains(SEED)) {
                throw problem("seeds cannot reach the script: give boot: (the cell's machine is booted with its seed)"
                        + " or use ${seed} in " + spec.script());
            }
        }
    }

    /** @return every cell, in order: the crossed dimensions in the spec's order, the last fastest, then the seeds */
    public List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        int n = cross.size();
        int[] at = new int[n];
        int index = 0;
        while (true) {
            List<String> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(cross.get(i).values().get(at[i]));
            }
            for (long seed : seeds) {
                out.add(new Cell(index++, seed, values));
            }
            int i = n - 1;
            while (i >= 0 && ++at[i] == cross.get(i).values().size()) {
                at[i] = 0;
                i--;
            }
            if (i < 0) {
                return out;
            }
        }
    }

    /** @return how many cells {@link #cells} gives */
    public int cellCount() {
        long c = seeds.size();
        for (Dimension d : cross) {
            c *= d.values().size();
        }
        return (int) c;
    }

    /** @return a row's columns: cell, each crossed key, seed, the measures, error */
    public List<String> columns() {
        List<String> c = new ArrayList<>();
        c.add(CELL);
        cross.forEach(d -> c.add(d.key()));
        c.add(SEED);
        c.addAll(measures);
        c.add(ERROR);
        return c;
    }

    /** @return the cell in words, {@code policy.reclaim=drop-all sysfs.promotion_threshold=64 seed=2}, for messages */
    public String describe(Cell cell) {
        StringJoiner j = new StringJoiner(" ");
        for (int i = 0; i < cross.size(); i++) {
            j.add(cross.get(i).key() + "=" + cell.values().get(i));
        }
        j.add(SEED + "=" + cell.seed());
        return j.toString();
    }

    /** @return the cell's value of a crossed key, or null when the key is not crossed */
    String value(Cell cell, String key) {
        for (int i = 0; i < cross.size(); i++) {
            if (cross.get(i).key().equals(key)) {
                return cell.values().get(i);
            }
        }
        return null;
    }
}
