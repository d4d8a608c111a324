package org.thplab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.SimulatedMachine;

/**
 * The soak of docs/reliability.md: one machine for an hour of simulated time, up to 1000
 * processes coming and going, a random policy swap every simulated second, the heap measured
 * every simulated minute, and at the end {@code check} and {@code verify} of every region.
 * Deterministic from its seed: the same seed runs the same operations.
 *
 * <pre>benchmarks/soak [minutes] [seed]</pre>
 */
public final class Soak {
    private static final long M = 1L << 20;
    private static final String[][] SWAPS = {
        {"fault", "base"}, {"fault", "thp"}, {"fault", "mthp"}, {"fault", "reservation"},
        {"cow", "pte"}, {"cow", "huge"}, {"reclaim", "lru-shrinker"}, {"reclaim", "drop-all"},
        {"promotion", "+khugepaged"}, {"promotion", "-khugepaged"}, {"promotion", "+migration-entry"},
        {"promotion", "-migration-entry"}, {"promotion", "+reservation"}, {"promotion", "-reservation"},
        {"promotion", "+madv-collapse"}, {"promotion", "-madv-collapse"},
    };
    private static final Advice[] ADVICE = {Advice.DONTNEED, Advice.HUGEPAGE, Advice.NOHUGEPAGE, Advice.PAGEOUT,
        Advice.COLLAPSE};

    private Soak() {
    }

    public static void main(String[] args) {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        Random rnd = new Random(seed);
        SimulatedMachine sm = EmbeddedPolicies.newRuntime().defaultMachine();
        MachineOps mm = sm.ops();
        PolicyAdmin policies = sm.policyAdmin();
        mm.boot(8L << 30, 2L << 30, seed);
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        List<String> alive = new ArrayList<>();
        int spawned = 0;
        long ops = 0;
        long refused = 0;
        long t0 = System.nanoTime();
        System.out.printf(Locale.ROOT, "soak: 8 GiB machine, 2 GiB swap, %d simulated minutes, seed %d%n", minutes, seed);
        for (int s = 0; s < minutes * 60; s++) {
            String[] swap = SWAPS[rnd.nextInt(SWAPS.length)];
            policies.usePolicy(swap[0], swap[1]);
            for (int i = 0; i < 20; i++) {
                ops++;
                try {
                    alive.retainAll(mm.processes()); // the OOM killer may have taken some
                    int op = rnd.nextInt(10);
                    if (alive.isEmpty() || (op == 0 && alive.size() < 1000)) {
                        String p = "p" + spawned++;
                        mm.spawn(p);
                        mm.mmap(p, "r", (1 + rnd.nextInt(8)) * 2 * M);
                        alive.add(p);
                        continue;
                    }
                    String p = alive.get(rnd.nextInt(alive.size()));
                    long size = mm.smaps(p, null).stream().mapToLong(e -> e.end() - e.start()).max().orElse(0);
                    long off = size == 0 ? 0 : rnd.nextInt((int) (size >> 12)) * 4096L;
                    long len = Math.min(size - off, (1 + rnd.nextInt(512)) * 4096L);
                    switch (op) {
                        case 1, 2, 3 -> mm.touch(p, "r", off, len, rnd.nextBoolean());
                        case 4 -> mm.madvise(p, "r", off, len, ADVICE[rnd.nextInt(ADVICE.length)]);
                        case 5 -> {
                            if (alive.size() < 1000) {
                                String c = "p" + spawned++;
                                mm.fork(p, c);
                                alive.add(c);
                            }
                        }
                        case 6 -> {
                            mm.exit(p);
                            alive.remove(p);
                        }
                        case 7 -> mm.munmap(p, "r", off, len);
                        default -> mm.touch(p, "r", 0, size, true);
                    }
                } catch (MmUsageException e) {
                    refused++; // a region unmapped whole, a range now over a hole: the machine is unchanged
                }
            }
            mm.tick(1_000_000_000L);
            if ((s + 1) % 60 == 0) {
                System.gc();
                System.gc();
                System.out.printf(Locale.ROOT, "minute %3d: %4d processes, heap %6.1f MiB, wall %.1f s%n", (s + 1) / 60,
                        mm.processes().size(), mem.getHeapMemoryUsage().getUsed() / (double) M, (System.nanoTime() - t0) / 1e9);
            }
        }
        int mismatches = 0;
        for (String p : mm.processes()) {
            for (String r : mm.smaps(p, null).stream().map(e -> e.region()).distinct().toList()) {
                mismatches += mm.verify(p, r);
            }
        }
        List<String> violations = mm.check();
        System.out.printf(Locale.ROOT, "%d operations (%d refused as misuse), %d processes spawned, %d alive, oom_kill %d,"
                + " thp_fault_alloc %d, thp_collapse_alloc %d%n", ops, refused, spawned, mm.processes().size(),
                mm.vmstat().get("oom_kill"), mm.vmstat().get("thp_fault_alloc"), mm.vmstat().get("thp_collapse_alloc"));
        System.out.printf(Locale.ROOT, "check: %s; verify: %d mismatches; wall %.1f s%n",
                violations.isEmpty() ? "ok" : violations.size() + " violations " + violations.subList(0, Math.min(5, violations.size())),
                mismatches, (System.nanoTime() - t0) / 1e9);
        System.exit(violations.isEmpty() && mismatches == 0 ? 0 : 1);
    }
}
