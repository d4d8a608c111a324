package org.thplab.mm.shell;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.thplab.mm.shell.KdiffScript.Obs;
import org.thplab.mm.shell.KdiffScript.Step;

/**
 * The real kernel's side of kdiff: each simulated process is a process of the native helper
 * ({@code kdiff/kdiff-helper.c}); a fork is a real fork(2) of it, so copy-on-write, khugepaged and
 * MADV_COLLAPSE act on real page tables. Regions are 2 MiB aligned between PROT_NONE guards.
 * Observations: each call's errno, the summed smaps lines of a region's VMAs, /proc/vmstat deltas
 * since boot, the tokens read back by verify.
 */
final class KdiffKernel implements AutoCloseable {
    /** Commands that only read the kernel's state: nothing they see moving is the script's doing. */
    private static final java.util.Set<String> READS = java.util.Set.of("smaps", "vmstat", "check", "echo", "policy");
    private static final Map<String, String> MTHP_DEFAULTS = Map.of("hugepages-2048kB/enabled", "inherit");

    /** One helper process. */
    private static final class Proc {
        final String name;
        final Process process; // null for a forked one
        final int pid;
        final BufferedReader in;
        final OutputStream out;
        final Map<String, long[]> regions = new LinkedHashMap<>(); // name -> {start, len}

        Proc(String name, Process process, int pid, InputStream in, OutputStream out) {
            this.name = name;
            this.process = process;
            this.pid = pid;
            this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            this.out = out;
        }

        String call(String line) {
            try {
                out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String r = in.readLine();
                if (r == null) {
                    throw new IllegalStateException("kdiff: helper process " + name + " (pid " + pid + ") ended");
                }
                return r;
            } catch (IOException e) {
                throw new IllegalStateException("kdiff: helper process " + name + ": " + e.getMessage());
            }
        }
    }

    private final Path helper;
    private final Path fifos;
    private final Map<String, String> defaults;
    private final Map<String, Proc> procs = new LinkedHashMap<>();
    private final Map<String, Integer> regionIds = new HashMap<>();
    /** Helper process ids (and FIFO names): unique for the whole run. */
    private int nextId = 1;
    /** Region ids of the current script: the helper holds at most 255 regions (1..255) per process. */
    private int nextRegion = 1;
    private Proc sentinel;
    private final KdiffCounters counters = new KdiffCounters();
    private String lacking;

    /**
     * @param defaults thplab's boot values of the knobs both know (as {@code sysfs} lists them),
     *                 written to the kernel at every boot so that both start alike
     */
    KdiffKernel(Path helper, Map<String, String> defaults) throws IOException {
        this.helper = helper;
        this.fifos = Files.createTempDirectory("thplab-kdiff");
        this.defaults = defaults;
    }

    static String release() {
        try {
            return "Linux " + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "Linux (unknown release)";
        }
    }

    List<Obs> run(Step s) {
        List<Obs> o = new ArrayList<>();
        String cmd = s.command();
        if (lacking != null && !cmd.equals("boot")) {
            collect(s, o); // run it all the same, so later lines find their processes
            o.replaceAll(x -> new Obs(x.key(), KdiffScript.skip(lacking)));
            return o;
        }
        if (cmd.equals("boot")) {
            boot(s);
            return o;
        }
        // What the counters show is what they moved in the script's actions (KdiffCounters).
        boolean acts = !READS.contains(cmd) && !(cmd.equals("sysfs") && s.words().length < 3);
        if (acts) {
            counters.acting();
        }
        try {
            collect(s, o);
        } finally {
            if (acts) {
                counters.acted();
            }
        }
        return o;
    }

    private void collect(Step s, List<Obs> o) {
        switch (s.command()) {
            case "sysfs" -> {
                if (s.words().length == 3) {
                    o.add(new Obs(s.text(), KdiffKnobs.write(s.word(1), s.word(2))));
                    KdiffKnobs.awaitSleep();
                } else if (KdiffCounters.nrAnonOrder(s.word(1)) >= 0 && counters.counts(s.word(1))) {
                    Map<Integer, java.util.Collection<long[]>> spaces = new LinkedHashMap<>();
                    procs.values().forEach(p -> spaces.put(p.pid, p.regions.values()));
                    o.add(new Obs(s.text(), Long.toString(KdiffCounters.nrAnon(spaces, KdiffCounters.nrAnonOrder(s.word(1))))));
                } else if (counters.counts(s.word(1))) {
                    o.add(new Obs(s.text(), Long.toString(counters.counter(s.word(1)))));
                } else {
                    String v;
                    try {
                        v = KdiffKnobs.read(KdiffKnobs.DIR.resolve(s.word(1)));
                    } catch (IOException e) {
                        v = "ENOENT";
                    }
                    o.add(new Obs(s.text(), v));
                }
            }
            case "spawn" -> o.add(new Obs(s.text(), spawn(s.word(1))));
            case "mmap" -> {
                Proc p = proc(s.word(1));
                long len = Sizes.bytes("mmap", s.word(3));
                int id = regionIds.computeIfAbsent(s.word(2), k -> nextRegion++);
                String r = p.call("mmap " + id + " " + len);
                if (r.startsWith("ok ")) {
                    p.regions.put(s.word(2), new long[] {Long.decode(r.substring(3).strip()), len});
                }
                o.add(new Obs(s.text(), answer(r)));
            }
            case "munmap" -> {
                Proc p = proc(s.word(1));
                long[] g = p.regions.get(s.word(2));
                long off = s.words().length > 3 ? Sizes.bytes("munmap", s.word(3)) : 0;
                long len = s.words().length > 4 ? Sizes.bytes("munmap", s.word(4)) : g[1];
                String r = p.call("munmap " + regionIds.get(s.word(2)) + " " + off + " " + len);
                if (off == 0 && len == g[1] && r.startsWith("ok")) {
                    p.regions.remove(s.word(2));
                }
                o.add(new Obs(s.text(), answer(r)));
            }
            case "madvise" -> o.add(new Obs(s.text(), answer(proc(s.word(1)).call("madvise " + regionIds.get(s.word(2))
                    + " " + Sizes.bytes("madvise", s.word(3)) + " " + Sizes.bytes("madvise", s.word(4)) + " "
                    + KdiffScript.adviceNumber(s.word(5))))));
            case "touch" -> o.add(new Obs(s.text(), answer(proc(s.word(1)).call("touch " + regionIds.get(s.word(2))
                    + " " + Sizes.bytes("touch", s.word(3)) + " " + Sizes.bytes("touch", s.word(4)) + " "
                    + ("read".equals(s.word(5)) ? 0 : 1)))));
            case "fork" -> o.add(new Obs(s.text(), fork(s.word(1), s.word(2))));
            case "exit" -> o.add(new Obs(s.text(), exit(procs.remove(s.word(1)))));
            case "tick" -> o.add(new Obs("tick", KdiffKnobs.tick(60_000)));
            case "smaps" -> smaps(s, o);
            case "vmstat" -> counters.vmstat().forEach((k, v) -> {
                if (k.startsWith(s.word(1))) {
                    o.add(new Obs(k, Long.toString(v)));
                }
            });
            case "verify" -> {
                String r = proc(s.word(1)).call("verify " + regionIds.get(s.word(2)));
                long bad = r.startsWith("ok ") ? Long.parseLong(r.substring(3).strip()) : -1;
                o.add(new Obs(s.text(), bad == 0 ? "ok" : bad < 0 ? answer(r) : bad + " mismatches"));
            }
            case "check" -> o.add(new Obs("check", "ok")); // the kernel's own invariants are not observable here
            case "echo", "policy" -> { } // policy: which thplab policy the kernel is compared with
            default -> throw new IllegalArgumentException("kdiff: no command " + s.command());
        }
    }

    private static String answer(String reply) {
        return reply.startsWith("ok") ? "ok" : reply.startsWith("err ") ? reply.substring(4).strip() : reply;
    }

    private Proc proc(String name) {
        Proc p = procs.get(name);
        if (p == null) {
            throw new IllegalStateException("kdiff: no helper process for " + name);
        }
        return p;
    }

    /** A fresh start: every process gone, thplab's boot values in the knobs, khugepaged asleep, counters read. */
    private void boot(Step s) {
        endAll();
        regionIds.clear();
        nextRegion = 1;
        long swap = 0;
        for (String w : s.words()) {
            if (w.startsWith("swap=")) {
                swap = Sizes.bytes("boot", w.substring(5));
            }
        }
        boolean hostSwap = hostHasSwap();
        lacking = swap > 0 && !hostSwap ? "this machine has no swap device (the script boots with swap=" + Sizes.format(swap) + ")"
                : swap == 0 && hostSwap ? "this machine has a swap device (the script boots without one)" : null;
        defaults.forEach((k, v) -> {
            if (!KdiffScript.GATE_KNOBS.contains(k) && KdiffKnobs.writable(KdiffKnobs.DIR.resolve(k))) {
                KdiffKnobs.write(k, v);
            }
        });
        try (var dirs = Files.list(KdiffKnobs.DIR)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith("hugepages-")).toList()) {
                String knob = d.getFileName() + "/enabled";
                KdiffKnobs.write(knob, MTHP_DEFAULTS.getOrDefault(knob, "never"));
            }
        } catch (IOException e) {
            // no mTHP sizes on this kernel
        }
        if (sentinel == null) {
            sentinel = startSentinel();
        }
        KdiffKnobs.closeGate();
        counters.boot();
    }

    private static boolean hostHasSwap() {
        try {
            return Files.readAllLines(Path.of("/proc/swaps")).size() > 1;
        } catch (IOException e) {
            return false;
        }
    }

    /** A process with a PMD-mapped THP in a MADV_HUGEPAGE region: khugepaged's list is never empty. */
    private Proc startSentinel() {
        spawn("kdiff-sentinel");
        Proc p = procs.remove("kdiff-sentinel");
        p.call("mmap 0 " + (2L << 20));
        p.call("madvise 0 0 " + (2L << 20) + " 14");
        p.call("touch 0 0 " + (2L << 20) + " 1");
        return p;
    }

    private String spawn(String name) {
        try {
            Process pr = new ProcessBuilder(helper.toString(), "serve", Integer.toString(nextId++))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Proc p = new Proc(name, pr, (int) pr.pid(), pr.getInputStream(), pr.getOutputStream());
            procs.put(name, p);
            return answer(p.call("pid"));
        } catch (IOException e) {
            throw new IllegalStateException("kdiff: cannot start " + helper + ": " + e.getMessage());
        }
    }

    private String fork(String parent, String child) {
        Proc p = proc(parent);
        int id = nextId++;
        String r = p.call("fork " + id + " " + fifos);
        if (!r.startsWith("ok ")) {
            return answer(r);
        }
        try {
            // The child opens its .in first, then its .out: the same order here, or both wait.
            OutputStream out = new FileOutputStream(fifos.resolve(id + ".in").toFile());
            InputStream in = new FileInputStream(fifos.resolve(id + ".out").toFile());
            Proc c = new Proc(child, null, Integer.parseInt(r.substring(3).strip()), in, out);
            p.regions.forEach((k, v) -> c.regions.put(k, v.clone()));
            procs.put(child, c);
            return "ok";
        } catch (IOException e) {
            throw new IllegalStateException("kdiff: cannot reach the child of " + parent + ": " + e.getMessage());
        }
    }

    /** Ends a process and waits until its mm is gone (exit_mm() runs before it becomes a zombie). */
    private String exit(Proc p) {
        if (p == null) {
            return "ok";
        }
        String r;
        try {
            r = answer(p.call("exit"));
        } catch (IllegalStateException e) {
            r = "ok";
        }
        Path proc = Path.of("/proc/" + p.pid);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                String stat = KdiffKnobs.read(proc.resolve("stat"));
                if (stat.charAt(stat.lastIndexOf(')') + 2) == 'Z') {
                    break;
                }
            } catch (IOException e) {
                break; // reaped
            }
            Thread.onSpinWait();
        }
        try {
            p.out.close();
            p.in.close();
        } catch (IOException e) {
            // gone already
        }
        return r;
    }

    private void endAll() {
        List<Proc> all = new ArrayList<>(procs.values());
        java.util.Collections.reverse(all); // children first
        procs.clear();
        all.forEach(this::exit);
    }

    private void smaps(Step s, List<Obs> o) {
        Proc p = proc(s.word(1));
        List<long[]> spans = new ArrayList<>();
        if (s.word(2) != null) {
            long[] g = p.regions.get(s.word(2));
            if (g != null) {
                spans.add(g);
            }
        } else {
            spans.addAll(p.regions.values());
        }
        long[] kb = new long[KdiffScript.SMAPS_LINES.size()];
        try {
            boolean in = false;
            for (String l : Files.readAllLines(Path.of("/proc/" + p.pid + "/smaps"))) {
                int dash = l.indexOf('-');
                int sp = l.indexOf(' ');
                if (dash > 0 && sp > dash && l.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    long start = Long.parseUnsignedLong(l.substring(0, dash), 16);
                    long end = Long.parseUnsignedLong(l.substring(dash + 1, sp), 16);
                    in = spans.stream().anyMatch(g -> start >= g[0] && end <= g[0] + g[1]);
                } else if (in) {
                    String[] w = l.split("\\s+");
                    int at = w[0].endsWith(":") ? KdiffScript.SMAPS_LINES.indexOf(w[0].substring(0, w[0].length() - 1)) : -1;
                    if (at >= 0) {
                        kb[at] += Long.parseLong(w[1]);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("kdiff: cannot read smaps of " + p.name + ": " + e.getMessage());
        }
        KdiffScript.smapsObs(s, kb, o);
    }

    static Map<String, Long> vmstat() {
        Map<String, Long> m = new LinkedHashMap<>();
        try {
            for (String l : Files.readAllLines(Path.of("/proc/vmstat"))) {
                int sp = l.indexOf(' ');
                m.put(l.substring(0, sp), Long.parseLong(l.substring(sp + 1).strip()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("kdiff: cannot read /proc/vmstat: " + e.getMessage());
        }
        return m;
    }

    @Override
    public void close() {
        endAll();
        if (sentinel != null) {
            exit(sentinel);
            sentinel = null;
        }
        try (var files = Files.list(fifos)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(fifos);
        } catch (IOException e) {
            // left in the temporary directory
        }
    }
}
