package org.thplab.mm.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A script as kdiff reads it: the {@code mm} commands that have a counterpart on the real kernel,
 * one {@link Step} each. Anything else (a policy switch, {@code stat}, an expected misuse) has no
 * meaning on a kernel and is refused before either side runs, with the line that holds it.
 */
final class KdiffScript {
    /** One command line of the script. */
    record Step(int line, String text, String[] words) {
        String command() {
            return words[0];
        }

        String word(int i) {
            return i < words.length ? words[i] : null;
        }
    }

    /** One thing both sides are asked: its key names it, its value is what the side answered. */
    record Obs(String key, String value) {
    }

    /** A value that is not compared, with why. */
    static String skip(String why) {
        return "skip: " + why;
    }

    static boolean skipped(String value) {
        return value != null && value.startsWith("skip: ");
    }

    static final Set<String> COMMANDS = Set.of("boot", "sysfs", "spawn", "mmap", "munmap", "madvise", "touch", "fork",
            "exit", "tick", "smaps", "vmstat", "verify", "echo", "check", "policy");

    /** The knobs kdiff itself drives on the kernel to keep khugepaged to the ticks. */
    static final Set<String> GATE_KNOBS = Set.of("khugepaged/scan_sleep_millisecs", "khugepaged/alloc_sleep_millisecs",
            "khugepaged/full_scans");

    /**
     * Counters that kdiff does not compare, with why: they count state of the whole host that
     * outlives a script's processes.
     */
    static final java.util.Map<String, String> HOST_COUNTERS = java.util.Map.of(
            "thp_zero_page_alloc", "the host's huge zero page outlives processes (mm_get_huge_zero_folio())",
            "thp_zero_page_alloc_failed", "the host's huge zero page outlives processes (mm_get_huge_zero_folio())");

    /**
     * Counters of khugepaged's scans that kdiff compares by whether they moved, not by how much:
     * how many passes a tick makes over the script's mms depends on where khugepaged's cursor
     * stood and on the host's own mms on its list (one wake scans pages_to_scan pages and may wrap
     * the list and go on), which thplab does not have.
     */
    static final Set<String> SCAN_COUNTERS = Set.of("thp_scan_exceed_none_pte", "thp_scan_exceed_swap_pte",
            "thp_scan_exceed_share_pte");

    private KdiffScript() {
    }

    static List<Step> parse(String file, List<String> lines) {
        List<Step> steps = new ArrayList<>();
        boolean booted = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] w = l.split("\\s+");
            if (w[0].startsWith("mm:")) {
                w[0] = w[0].substring(3);
            }
            String where = file + ":" + (i + 1) + ": ";
            if (!COMMANDS.contains(w[0])) {
                throw new IllegalArgumentException(where + "kdiff: '" + w[0] + "' has no counterpart on a real kernel"
                        + " (kdiff runs " + String.join(", ", COMMANDS.stream().sorted().toList()) + ")");
            }
            if (w[0].equals("boot")) {
                for (String x : w) {
                    if (x.equals("--name")) {
                        throw new IllegalArgumentException(where + "kdiff: boot --name: kdiff runs one machine");
                    }
                }
                booted = true;
            } else if (!booted && !w[0].equals("echo")) {
                throw new IllegalArgumentException(where + "kdiff: the script must boot before '" + w[0] + "'");
            }
            if (w[0].equals("sysfs") && (w.length < 2 || w.length > 3)) {
                throw new IllegalArgumentException(where + "kdiff: sysfs takes <knob> [<value>]");
            }
            if (w[0].equals("sysfs") && GATE_KNOBS.contains(w[1])) {
                throw new IllegalArgumentException(where + "kdiff: " + w[1]
                        + " is kdiff's own: it keeps the kernel's khugepaged asleep between ticks");
            }
            if (w[0].equals("vmstat") && w.length != 2) {
                throw new IllegalArgumentException(where + "kdiff: vmstat takes one <prefix> (the whole list moves with"
                        + " everything else the host runs)");
            }
            steps.add(new Step(i + 1, l, w));
        }
        return steps;
    }

    /**
     * The smaps lines {@code smaps <proc> [<region>]} observes, summed over the VMAs. Not
     * Referenced: the helper's {@code verify} reads every present page, which sets the accessed
     * bits that thplab's oracle check leaves alone.
     */
    static final java.util.List<String> SMAPS_LINES = java.util.List.of("Rss", "Pss", "Pss_Dirty", "Shared_Clean",
            "Shared_Dirty", "Private_Clean", "Private_Dirty", "Anonymous", "AnonHugePages", "Swap", "SwapPss");

    /** @param kb the sums in kB, in the order of {@link #SMAPS_LINES} */
    static void smapsObs(Step s, long[] kb, java.util.List<Obs> out) {
        String at = "smaps " + s.word(1) + (s.word(2) == null ? "" : " " + s.word(2));
        for (int i = 0; i < SMAPS_LINES.size(); i++) {
            out.add(new Obs(at + " " + SMAPS_LINES.get(i), kb[i] + " kB"));
        }
    }

    /** The errno word of a command's answer: {@code ok}, or the word before the reason. */
    static String errno(String out) {
        if (out == null || out.isBlank() || out.strip().equals("ok")) {
            return "ok";
        }
        String s = out.strip();
        int colon = s.indexOf(':');
        return colon > 0 ? s.substring(0, colon) : s;
    }

    /** madvise(2) advice numbers of include/uapi/asm-generic/mman-common.h. */
    static int adviceNumber(String advice) {
        return switch (advice.toLowerCase(java.util.Locale.ROOT)) {
            case "dontneed" -> 4;
            case "hugepage" -> 14;
            case "nohugepage" -> 15;
            case "pageout" -> 21;
            case "collapse" -> 25;
            default -> throw new IllegalArgumentException("kdiff: no madvise advice '" + advice + "'");
        };
    }
}
