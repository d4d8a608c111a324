package org.thplab.mm.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.shell.KdiffScript.Obs;
import org.thplab.mm.shell.KdiffScript.Step;

/**
 * thplab's side of kdiff: each step runs on a machine of its own ({@value #MACHINE}, made afresh
 * for every script from the default machine's tunables and policy selection) through the same
 * commands a script uses, and is then observed through the API as the kernel side observes the
 * real one. A misused line throws {@link IllegalArgumentException} before the kernel runs it.
 */
final class KdiffSim implements AutoCloseable {
    static final String MACHINE = "kdiff";
    /**
     * How many khugepaged wakes a tick may take to see two more full scans. With no mm on
     * khugepaged's list thplab's scans never complete (the kernel's do: kdiff keeps a sentinel
     * there), so the tick ends after this many wakes; a script's few PMDs need a handful.
     */
    private static final int MAX_WAKES = 1000;

    private final MachineFactory machines;
    private final Commands commands;
    private Map<String, Long> base = Map.of();
    private long collapsedBase;

    KdiffSim(Commands shell) {
        this.machines = shell.factory();
        if (machines.machine(MACHINE) != null) {
            machines.remove(MACHINE);
        }
        machines.create(MACHINE);
        this.commands = new Commands(machines, shell.workloads(), MACHINE, "kdiff");
    }

    /**
     * The kernel side's sentinel (KdiffKernel.startSentinel()), here too: a process with a THP in
     * a MADV_HUGEPAGE region keeps khugepaged's list from being empty, so a script's first process
     * does not wake khugepaged at once (__khugepaged_enter() wakes it only on an empty list); it
     * sleeps scan_sleep_millisecs as it does on the kernel side. Counted before the base is read.
     */
    private void startSentinel() {
        MachineOps m = ops();
        m.spawn(SENTINEL);
        m.mmap(SENTINEL, "s", 2L << 20);
        m.madvise(SENTINEL, "s", 0, 2L << 20, org.thplab.mm.api.Advice.HUGEPAGE);
        m.touch(SENTINEL, "s", 0, 2L << 20, true);
    }

    static final String SENTINEL = "kdiff-sentinel";
    /** The PMD size's statistics the sentinel's THP moves; the kernel side reads them as deltas too. */
    private static final List<String> SENTINEL_STATS = List.of("anon_fault_alloc", "nr_anon");
    private final Map<String, Long> statsBase = new java.util.HashMap<>();

    private MachineOps ops() {
        return machines.machine(MACHINE).ops();
    }

    List<Obs> run(Step s) {
        List<Obs> o = new ArrayList<>();
        switch (s.command()) {
            case "boot" -> {
                commands.execute(s.text());
                startSentinel();
                base = ops().vmstat();
                statsBase.clear();
                for (String n : SENTINEL_STATS) {
                    String knob = "hugepages-2048kB/stats/" + n;
                    statsBase.put(knob, Long.parseLong(commands.execute("sysfs " + knob).strip()));
                }
                collapsedBase = knob("khugepaged/pages_collapsed");
            }
            case "sysfs" -> {
                if (s.words().length == 3) {
                    commands.execute(s.text());
                    o.add(new Obs(s.text(), "ok"));
                } else if (s.word(1).equals("khugepaged/pages_collapsed")) {
                    o.add(new Obs(s.text(), Long.toString(knob(s.word(1)) - collapsedBase)));
                } else if (statsBase.containsKey(s.word(1))) {
                    long v = Long.parseLong(commands.execute(s.text()).strip());
                    o.add(new Obs(s.text(), Long.toString(v - statsBase.get(s.word(1)))));
                } else {
                    o.add(new Obs(s.text(), commands.execute(s.text()).strip()));
                }
            }
            case "spawn", "mmap", "munmap", "exit", "madvise", "touch", "fork" ->
                o.add(new Obs(s.text(), KdiffScript.errno(commands.execute(s.text()))));
            case "tick" -> {
                if (s.words().length > 1) {
                    Sizes.duration(s.word(1)); // accepted for the plain script's sake; kdiff ticks by full scans
                }
                o.add(new Obs("tick", tick()));
            }
            case "smaps" -> {
                commands.execute(s.text()); // the same checks of process and region
                long[] kb = new long[KdiffScript.SMAPS_LINES.size()];
                for (SmapsEntry e : ops().smaps(s.word(1), s.word(2))) {
                    long[] v = {e.rssKb(), e.pssKb(), e.pssDirtyKb(), e.sharedCleanKb(), e.sharedDirtyKb(),
                        e.privateCleanKb(), e.privateDirtyKb(), e.anonymousKb(), e.anonHugeKb(), e.swapKb(), e.swapPssKb()};
                    for (int i = 0; i < kb.length; i++) {
                        kb[i] += v[i];
                    }
                }
                KdiffScript.smapsObs(s, kb, o);
            }
            case "vmstat" -> ops().vmstat().forEach((k, v) -> {
                if (k.startsWith(s.word(1))) {
                    o.add(new Obs(k, Long.toString(v - base.getOrDefault(k, 0L))));
                }
            });
            case "verify" -> {
                commands.execute(s.text());
                long bad = ops().verify(s.word(1), s.word(2));
                o.add(new Obs(s.text(), bad == 0 ? "ok" : bad + " mismatches"));
            }
            case "check" -> {
                List<String> v = ops().check();
                o.add(new Obs("check", v.isEmpty() ? "ok" : v.size() + " violations: " + v.get(0)));
            }
            case "echo" -> { }
            case "policy" -> commands.execute(s.text()); // e.g. policy use fault mthp: thplab's side only
            default -> throw new IllegalArgumentException("kdiff: no command " + s.command());
        }
        return o;
    }

    /** The knobs as {@code sysfs} lists them, before any boot of this machine. */
    String listKnobs() {
        return commands.execute("sysfs");
    }

    private long knob(String name) {
        return ops().tunables().number(name);
    }

    /** What a tick means to kdiff: khugepaged wakes until it has completed two more full scans. */
    private String tick() {
        long sleep = knob("khugepaged/scan_sleep_millisecs");
        long target = knob("khugepaged/full_scans") + 2;
        for (int i = 0; i < MAX_WAKES && knob("khugepaged/full_scans") < target; i++) {
            ops().tick(Math.max(1, sleep) * 1_000_000L);
        }
        return "ok";
    }

    @Override
    public void close() {
        if (machines.machine(MACHINE) != null) {
            machines.remove(MACHINE);
        }
    }
}
