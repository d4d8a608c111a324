package org.thplab.mm.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.thplab.mm.shell.KdiffScript.Obs;
import org.thplab.mm.shell.KdiffScript.Step;

/**
 * {@code ./thplab kdiff}: runs each script's commands on the running kernel and in thplab and
 * prints what both observed side by side, every difference marked. Modes: {@code live} (the
 * kernel now), {@code record} (live, and the kernel's observations written to {@code NAME.kernel}
 * beside {@code NAME.mm}), {@code recorded} (thplab against {@code NAME.kernel}, anywhere). Exit
 * code 0 when both agree on every observation, 1 when one differs, 2 when a script is misused or
 * cannot be read or the kernel side fails.
 */
final class Kdiff {
    /** System property: the mode, set by the launcher for {@code ./thplab kdiff}. */
    static final String MODE = "thplab.kdiff";
    /** System property: the compiled helper. */
    static final String HELPER = "thplab.kdiff.helper";
    static final String RECORDED_SUFFIX = ".kernel";
    /**
     * Beside the scripts: differences that are known, one per line as
     * {@code script<TAB>line<TAB>observation<TAB>reason} (see {@link #knownFor}); kdiff marks them
     * {@code ~} and does not count them (docs/model.md says why each is there).
     */
    static final String KNOWN = "known-differences.tsv";
    private static final Pattern SELECTED = Pattern.compile("\\[([^\\]]+)\\]");

    private Kdiff() {
    }

    static int runAll(Commands shell, String mode, String scripts, PrintStream out) {
        if (mode.startsWith("generate:")) {
            return generate(mode, scripts, out);
        }
        boolean live = !mode.equals("recorded");
        int rc = 0;
        int differ = 0;
        int total = 0;
        KdiffKnobs knobs = null;
        KdiffKernel kernel = null;
        try {
            if (live) {
                String helper = System.getProperty(HELPER);
                if (helper == null || !Files.isExecutable(Path.of(helper))) {
                    out.println("kdiff: no compiled helper (" + helper + "); ./thplab kdiff compiles kdiff/kdiff-helper.c with gcc");
                    return 2;
                }
                knobs = new KdiffKnobs(Path.of(System.getProperty("java.io.tmpdir"), "thplab-kdiff.lock"));
                kernel = new KdiffKernel(Path.of(helper), defaults(shell));
            }
            for (String file : scripts.split(java.io.File.pathSeparator)) {
                int[] r = runRetried(shell, mode, file, kernel, out);
                if (r[0] == 2) {
                    rc = 2;
                    break;
                }
                total++;
                differ += r[0];
            }
        } catch (IOException | RuntimeException e) {
            out.println("kdiff: " + e.getMessage());
            rc = 2;
        } finally {
            if (kernel != null) {
                kernel.close();
            }
            if (knobs != null) {
                try {
                    knobs.close();
                } catch (IOException e) {
                    out.println("kdiff: releasing the lock: " + e.getMessage());
                }
            }
        }
        if (rc == 0) {
            out.println("kdiff: " + total + " scripts, " + differ + " with differences");
            rc = differ > 0 ? 1 : 0;
        }
        out.flush();
        return rc;
    }

    /** {@code generate:N:SEED} into the directory {@code dir}: gen-SEED.mm ... gen-(SEED+N-1).mm. */
    private static int generate(String mode, String dir, PrintStream out) {
        String[] f = mode.split(":");
        long n;
        long seed;
        try {
            n = Long.parseLong(f[1]);
            seed = Long.parseLong(f[2]);
        } catch (RuntimeException e) {
            out.println("kdiff: --generate <count> <first seed> <directory>: bad number in " + mode);
            return 2;
        }
        try {
            Path d = Path.of(dir);
            Files.createDirectories(d);
            for (long s = seed; s < seed + n; s++) {
                Files.write(d.resolve(String.format("gen-%04d.mm", s)), KdiffGenerator.generate(s), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            out.println("kdiff: cannot write " + dir + ": " + e.getMessage());
            return 2;
        }
        out.println("kdiff: wrote " + n + " scripts to " + dir);
        return 0;
    }

    /** thplab's boot values of its knobs, as sysfs would take them: the kernel starts from these. */
    private static Map<String, String> defaults(Commands shell) {
        Map<String, String> d = new LinkedHashMap<>();
        try (KdiffSim probe = new KdiffSim(shell)) {
            String listing = probe.listKnobs();
            for (String l : listing.split("\n")) {
                int c = l.indexOf(": ");
                if (c > 0) {
                    Matcher m = SELECTED.matcher(l.substring(c + 2));
                    d.put(l.substring(0, c), m.find() ? m.group(1) : l.substring(c + 2).strip());
                }
            }
        }
        return d;
    }

    /** Live runs that differ are run again, at most {@value} times in all. */
    static final int LIVE_ATTEMPTS = 3;

    /**
     * Other processes on the host move the global counters too (a THP fault of theirs, a collapse
     * khugepaged makes for them during a tick): a live script that differs is run again, and the
     * attempt with the fewest differences is printed, with how many attempts it took.
     */
    private static int[] runRetried(Commands shell, String mode, String file, KdiffKernel kernel, PrintStream out) {
        if (kernel == null) {
            return runOne(shell, mode, file, null, out, 1);
        }
        String best = null;
        int bestDiffers = Integer.MAX_VALUE;
        int[] bestR = null;
        List<String> bestRecord = null;
        for (int attempt = 1; attempt <= LIVE_ATTEMPTS; attempt++) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            PrintStream o = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            int[] r = runOne(shell, mode, file, kernel, o, attempt);
            String text = bytes.toString(StandardCharsets.UTF_8);
            int differs = r.length > 1 ? r[1] : 0;
            if (r[0] == 2 || differs < bestDiffers) {
                best = text;
                bestDiffers = differs;
                bestR = r;
                bestRecord = lastRecord;
            }
            if (r[0] != 1) {
                break;
            }
        }
        out.print(best);
        if (mode.equals("record") && bestR[0] != 2) {
            Path recorded = recordedOf(file);
            try {
                Files.write(recorded, bestRecord, StandardCharsets.UTF_8);
            } catch (IOException e) {
                out.println(file + ": cannot write " + recorded + ": " + e.getMessage());
                return new int[] {2};
            }
        }
        return bestR;
    }

    /** The kernel's observations of the last script run, as a recorded file holds them. */
    private static List<String> lastRecord;

    /** @return {differs (0/1), or 2 on an error; then the number of observations that differ} */
    private static int[] runOne(Commands shell, String mode, String file, KdiffKernel kernel, PrintStream out, int attempt) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            out.println(file + ": cannot read: " + e.getMessage());
            return new int[] {2};
        }
        Path recorded = recordedOf(file);
        List<Step> steps;
        Map<Integer, List<Obs>> expected = null;
        String kernelName = KdiffKernel.release();
        try {
            steps = KdiffScript.parse(file, lines);
            if (mode.equals("recorded")) {
                if (!Files.isRegularFile(recorded)) {
                    out.println(file + ": no recorded kernel observations " + recorded
                            + " (./thplab kdiff --record " + file + " writes them, as root on Linux)");
                    return new int[] {2};
                }
                expected = readRecorded(recorded);
                kernelName = recordedKernel(recorded);
            }
        } catch (IllegalArgumentException | IOException e) {
            out.println(e.getMessage());
            return new int[] {2};
        }
        List<Known> known;
        try {
            known = knownFor(Path.of(file).toAbsolutePath());
        } catch (IOException | IllegalArgumentException e) {
            out.println(e.getMessage());
            return new int[] {2};
        }
        List<String[]> rows = new ArrayList<>(); // mark, line, key, kernel, thplab
        List<String> record = new ArrayList<>();
        try (KdiffSim sim = new KdiffSim(shell)) {
            for (Step s : steps) {
                List<Obs> mine;
                try {
                    mine = sim.run(s);
                } catch (IllegalArgumentException e) {
                    out.println(file + ":" + s.line() + ": " + e.getMessage());
                    return new int[] {2};
                }
                List<Obs> theirs = expected != null ? expected.getOrDefault(s.line(), List.of()) : kernel.run(s);
                for (Obs o : theirs) {
                    record.add(s.line() + "\t" + o.key() + "\t" + o.value());
                }
                align(s, mine, theirs, rows, known);
            }
        }
        lastRecord = new ArrayList<>();
        lastRecord.add("# kdiff: the kernel's observations of " + Path.of(file).getFileName() + " on " + kernelName
                + " (./thplab kdiff --record); line, observation, value");
        lastRecord.addAll(record);
        int differs = (int) rows.stream().filter(r -> r[0].equals("!")).count();
        String how = mode.equals("recorded") ? ", recorded" : attempt == 1 ? ", live" : ", live, attempt " + attempt;
        return new int[] {print(file, kernelName + how, rows, out), differs};
    }

    private static void align(Step s, List<Obs> mine, List<Obs> theirs, List<String[]> rows, List<Known> known) {
        Map<String, String[]> byKey = new LinkedHashMap<>();
        for (Obs o : mine) {
            byKey.computeIfAbsent(o.key(), k -> new String[2])[1] = o.value();
        }
        for (Obs o : theirs) {
            byKey.computeIfAbsent(o.key(), k -> new String[2])[0] = o.value();
        }
        if (s.command().equals("echo")) {
            rows.add(new String[] {"#", Integer.toString(s.line()), s.text().substring(4).strip(), "", ""});
        }
        boolean vmstat = s.command().equals("vmstat");
        byKey.forEach((k, v) -> {
            String kv = v[0] == null ? "(none)" : v[0];
            String tv = v[1] == null ? "(none)" : v[1];
            if (vmstat && v[0] == null) {
                kv = KdiffScript.skip("not in this kernel's /proc/vmstat");
            } else if (vmstat && KdiffScript.HOST_COUNTERS.containsKey(k)) {
                kv = KdiffScript.skip(KdiffScript.HOST_COUNTERS.get(k)) + " (" + kv + ")";
            }
            boolean same = kv.equals(tv);
            if (vmstat && KdiffScript.SCAN_COUNTERS.contains(k) && !same && positive(kv) != null && positive(tv) != null) {
                same = positive(kv).equals(positive(tv)); // compared by whether the scans met the limit at all
                kv = kv + (same ? " (>0)" : "");
                tv = tv + (same ? " (>0)" : "");
            }
            String mark = KdiffScript.skipped(kv) || KdiffScript.skipped(tv) ? "-" : same ? " " : "!";
            String why = null;
            for (Known kn : known) {
                if ((kn.line() < 0 || kn.line() == s.line()) && kn.observation().matcher(k).matches()) {
                    why = kn.reason();
                    break;
                }
            }
            if (mark.equals("!") && why != null) {
                mark = "~";
                tv = tv + "  (known: " + why + ")";
            }
            rows.add(new String[] {mark, Integer.toString(s.line()), k, kv, tv});
        });
    }

    /** NAME.kernel beside NAME.mm. */
    private static Path recordedOf(String file) {
        return Path.of(file.replaceFirst("\\.mm$", "") + RECORDED_SUFFIX);
    }

    private static Boolean positive(String v) {
        try {
            return Long.parseLong(v) > 0;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Prints the side-by-side table; @return 1 when an observation differs */
    private static int print(String file, String kernel, List<String[]> rows, PrintStream out) {
        int wk = "observation".length();
        int wv = "kernel".length();
        for (String[] r : rows) {
            if (!r[0].equals("#")) {
                wk = Math.max(wk, r[2].length());
                wv = Math.max(wv, r[3].length());
            }
        }
        out.println("kdiff " + file + " (" + kernel + " | thplab)");
        String fmt = "%s %5s  %-" + wk + "s  %-" + wv + "s  %s%n";
        out.printf(fmt, " ", "line", "observation", "kernel", "thplab");
        int differ = 0;
        int skipped = 0;
        int known = 0;
        for (String[] r : rows) {
            if (r[0].equals("#")) {
                out.printf("# %5s  %s%n", r[1], r[2]);
                continue;
            }
            differ += r[0].equals("!") ? 1 : 0;
            skipped += r[0].equals("-") ? 1 : 0;
            known += r[0].equals("~") ? 1 : 0;
            out.printf(fmt, r[0], r[1], r[2], r[3], r[4]);
        }
        long observed = rows.stream().filter(r -> !r[0].equals("#")).count();
        out.println("kdiff " + file + ": " + observed + " observations, " + differ + " differ, " + known + " known to differ, "
                + skipped + " skipped");
        return differ > 0 ? 1 : 0;
    }

    private static Map<Integer, List<Obs>> readRecorded(Path p) throws IOException {
        Map<Integer, List<Obs>> m = new LinkedHashMap<>();
        int n = 0;
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            n++;
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\t", 3);
            if (f.length != 3) {
                throw new IllegalArgumentException(p + ":" + n + ": expected line<TAB>observation<TAB>value");
            }
            m.computeIfAbsent(Integer.parseInt(f[0]), k -> new ArrayList<>()).add(new Obs(f[1], f[2]));
        }
        return m;
    }

    /** A known difference that applies to one script. */
    record Known(int line, Pattern observation, String reason) {
    }

    /**
     * The known differences for a script, from {@value #KNOWN} in its directory and in the one
     * above: {@code script<TAB>line<TAB>observation<TAB>reason}, where script is a glob of the
     * script's path relative to the file's directory, line a number or {@code *}, observation a
     * regular expression over the observation's name.
     */
    static List<Known> knownFor(Path script) throws IOException {
        List<Known> all = new ArrayList<>();
        for (Path dir = script.getParent(), stop = dir.getParent(); dir != null; dir = dir.equals(stop) ? null : dir.getParent()) {
            Path p = dir.resolve(KNOWN);
            if (!Files.isRegularFile(p)) {
                continue;
            }
            String rel = dir.relativize(script).toString();
            int n = 0;
            for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                n++;
                if (l.isBlank() || l.startsWith("#")) {
                    continue;
                }
                String[] f = l.split("\t", 4);
                if (f.length != 4 || !(f[1].equals("*") || f[1].chars().allMatch(Character::isDigit)) || f[3].isBlank()) {
                    throw new IllegalArgumentException(p + ":" + n + ": expected script<TAB>line<TAB>observation<TAB>reason");
                }
                if (java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + f[0]).matches(Path.of(rel))) {
                    try {
                        all.add(new Known(f[1].equals("*") ? -1 : Integer.parseInt(f[1]), Pattern.compile(f[2]), f[3]));
                    } catch (java.util.regex.PatternSyntaxException e) {
                        throw new IllegalArgumentException(p + ":" + n + ": bad observation pattern: " + e.getDescription());
                    }
                }
            }
        }
        return all;
    }

    private static String recordedKernel(Path p) throws IOException {
        String first = Files.readAllLines(p, StandardCharsets.UTF_8).stream().findFirst().orElse("");
        int on = first.indexOf(" on ");
        int paren = first.indexOf(" (", Math.max(on, 0));
        return on > 0 && paren > on ? first.substring(on + 4, paren) : "recorded kernel";
    }
}
