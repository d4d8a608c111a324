package org.thplab.mm.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.thplab.mm.api.MmuSettings;
import org.thplab.mm.api.PerfStat;

/** The words and the output of {@code access}, {@code perf stat} and {@code mmu}. */
final class Hardware {
    /** The knobs of {@code mmu}, in the order it lists them. */
    static final String[] KNOBS = {"preset", "virtualized", "host_page", "cpus"};

    private Hardware() {
    }

    /** A count of accesses: a positive whole number, with an optional k, M or G (10^3, 10^6, 10^9). */
    static long count(String word) {
        long unit = 1;
        String digits = word;
        char last = word.isEmpty() ? ' ' : word.charAt(word.length() - 1);
        if (last == 'k' || last == 'M' || last == 'G') {
            unit = last == 'k' ? 1_000 : last == 'M' ? 1_000_000 : 1_000_000_000;
            digits = word.substring(0, word.length() - 1);
        }
        try {
            long n = Long.parseLong(digits);
            if (n >= 1 && n <= (1L << 40) / unit) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException("access: the count must be a whole number from 1 to 2^40 (k, M, G: 10^3, 10^6, 10^9),"
                + " not '" + word + "'");
    }

    /**
     * perf stat's report, in its layout (tools/perf/util/stat-display.c and stat-shadow.c as perf
     * 6.1 prints them): counts right-aligned, the event names after them, and in the comment
     * column what perf derives from task-clock: "CPUs utilized" (task-clock over the time elapsed)
     * for task-clock, the dTLB miss ratio, and every other count's rate per second of task-clock
     * (convert_unit_double(): K, M, G past 1000); then the time elapsed. thplab's own lines
     * ({@code thplab.*}) have no comment.
     */
    static String perfStat(PerfStat s) {
        StringJoiner j = new StringJoiner("\n");
        j.add("");
        j.add(" Performance counter stats for process '" + s.proc() + "' (simulated):");
        j.add("");
        long task = s.taskClockNs();
        String utilized = s.elapsedNs() > 0 ? metric(String.format(Locale.ROOT, "%8.3f", (double) task / s.elapsedNs()), "CPUs utilized") : "";
        j.add((String.format(Locale.ROOT, "%,18.2f msec %-32s", task / 1e6, "task-clock") + utilized).stripTrailing());
        j.add(line(s.pageFaults(), "page-faults", task));
        Map<String, Long> e = s.events();
        long loads = e.get("dTLB-loads");
        long misses = e.get("dTLB-load-misses");
        j.add(line(loads, "dTLB-loads", task));
        // print_dtlb_cache_misses(): the ratio whenever dTLB-loads was counted, 0 when it counted none.
        j.add((count(misses, "dTLB-load-misses") + metric(String.format(Locale.ROOT, "%7.2f%%",
                loads == 0 ? 0.0 : 100.0 * misses / loads), "of all dTLB cache accesses")).stripTrailing());
        e.forEach((name, v) -> {
            if (!name.equals("dTLB-loads") && !name.equals("dTLB-load-misses")) {
                j.add(line(v, name, task));
            }
        });
        j.add(line(s.accesses(), "thplab.accesses", task));
        j.add("");
        j.add(String.format(Locale.ROOT, " %17.9f seconds time elapsed", s.elapsedNs() / 1e9));
        j.add("");
        return j.toString();
    }

    private static String count(long v, String name) {
        return String.format(Locale.ROOT, "%,18d      %-32s", v, name);
    }

    /**
     * A count and its rate per second of task-clock, as perf prints any count when task-clock was
     * counted; thplab's own lines (not perf's events: some are maxima or nanoseconds) without one.
     */
    private static String line(long v, String name, long taskClockNs) {
        if (name.startsWith("thplab.")) {
            return count(v, name).stripTrailing();
        }
        double rate = taskClockNs == 0 ? 0 : 1e9 * v / taskClockNs;
        String unit = "";
        for (String u : new String[] {"K", "M", "G"}) {
            if (rate > 1000.0) {
                rate /= 1000.0;
                unit = u;
            }
        }
        return (count(v, name) + metric(String.format(Locale.ROOT, "%8.3f", rate), unit + "/sec")).stripTrailing();
    }

    /** print_metric_std(): " # ", the value and its unit (perf pads the unit; the lines here end without blanks). */
    private static String metric(String value, String unit) {
        return " # " + value + " " + unit;
    }

    /**
     * The report's four sections: by its key in the JSON form, the text form's heading and the
     * prefixes of the API's names that belong to it. The first two are machine-wide.
     */
    private static final String[][] SECTIONS = {
        {"collapse_and_copy_cost", "1. collapse and copy cost (machine)", "khugepaged_", "madv_collapse_", "cow_"},
        {"mmap_lock_write", "2. mmap lock held for write (machine)", "mmap_lock_"},
        {"ram_lost_to_huge_pages", "3. RAM lost to huge pages (%s)", "thp_never_written_", "reserved_unused_"},
        {"thp_slowdown", "4. slowdown from delayed or absent THP (%s)", "translation_cycles", "thp_slowdown_"}};

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @return the report's measures by section (SECTIONS' order), each in the API's order */
    private static Map<String, Map<String, Long>> sections(Map<String, Long> r) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (String[] sec : SECTIONS) {
            Map<String, Long> measures = new LinkedHashMap<>();
            r.forEach((k, v) -> {
                for (int i = 2; i < sec.length; i++) {
                    if (k.startsWith(sec[i])) {
                        measures.put(k, v);
                    }
                }
            });
            out.put(sec[0], measures);
        }
        return out;
    }

    /** The report, in its four sections, each {@code name value} line as the API names it. */
    static String report(Map<String, Long> r, String proc) {
        StringJoiner j = new StringJoiner("\n");
        Map<String, Map<String, Long>> bySection = sections(r);
        for (String[] sec : SECTIONS) {
            j.add(String.format(Locale.ROOT, sec[1], who(proc)));
            bySection.get(sec[0]).forEach((k, v) -> j.add("  " + k + " " + v));
        }
        return j.toString();
    }

    /**
     * The report as one JSON object: {@code proc} (null: every live process) and an object per
     * section, keyed as {@link #SECTIONS} has them, of the same names and values as the text.
     */
    static String reportJson(Map<String, Long> r, String proc) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("proc", proc);
        doc.putAll(sections(r));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report --json: " + e.getOriginalMessage(), e);
        }
    }

    private static String who(String proc) {
        return proc == null ? "every live process" : "process " + proc;
    }

    /** A knob of {@code mmu} as it reads: a choice shows every value with the current one in brackets, as sysfs does. */
    static String read(MmuSettings s, String knob) {
        return switch (knob) {
            case "preset" -> choice(MmuSettings.PRESETS.toArray(new String[0]), s.preset());
            case "virtualized" -> s.virtualized() ? "1" : "0";
            case "host_page" -> choice(new String[] {"4K", "2M"}, s.hostPageKb() == 4 ? "4K" : "2M");
            case "cpus" -> Integer.toString(s.cpus());
            default -> throw new IllegalArgumentException("mmu: no knob '" + knob + "' (" + String.join(", ", KNOBS) + ")");
        };
    }

    private static String choice(String[] all, String current) {
        StringJoiner j = new StringJoiner(" ");
        for (String a : all) {
            j.add(a.equals(current) ? "[" + a + "]" : a);
        }
        return j.toString();
    }

    /** @return the settings with one knob written; throws and changes nothing on a bad value */
    static MmuSettings write(MmuSettings s, String knob, String value) {
        return switch (knob) {
            case "preset" -> new MmuSettings(value, s.virtualized(), s.hostPageKb(), s.cpus());
            case "virtualized" -> {
                if (!value.equals("0") && !value.equals("1")) {
                    throw new IllegalArgumentException("mmu: virtualized is 0 or 1, not '" + value + "'");
                }
                yield new MmuSettings(s.preset(), value.equals("1"), s.hostPageKb(), s.cpus());
            }
            case "host_page" -> {
                if (!value.equals("4K") && !value.equals("2M")) {
                    throw new IllegalArgumentException("mmu: host_page is 4K or 2M, not '" + value + "'");
                }
                yield new MmuSettings(s.preset(), s.virtualized(), value.equals("4K") ? 4 : 2048, s.cpus());
            }
            case "cpus" -> {
                int n;
                try {
                    n = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("mmu: cpus is a number from 1 to 64, not '" + value + "'");
                }
                yield new MmuSettings(s.preset(), s.virtualized(), s.hostPageKb(), n);
            }
            default -> throw new IllegalArgumentException("mmu: no knob '" + knob + "' (" + String.join(", ", KNOBS) + ")");
        };
    }
}
