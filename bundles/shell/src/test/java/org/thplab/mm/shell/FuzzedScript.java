package org.thplab.mm.shell;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.apache.felix.service.command.Descriptor;

/**
 * The lines of a script, made from the fuzzer's bytes. Two kinds of line mix:
 * <ul>
 * <li>raw: a string of the fuzzer's, split at line breaks as a script file is, for the line
 *     grammar and the commands' own parsing;
 * <li>structured: a command of the real command table, its words drawn mostly from a dictionary of
 *     plausible tokens for each parameter's descriptor ({@code <proc>}, {@code <off>},
 *     {@code <duration>}, ...) so that the fuzzer gets past "unknown command" and "no process"
 *     to the machine, sometimes a word of its own, sometimes one word too many or too few, now
 *     and then with {@code !}, {@code mm:}, a second command after {@code ;} or a comment.
 * </ul>
 * The choices come from the end of the input and raw strings from its front (as
 * {@link FuzzedDataProvider} reads them), so a readable seed is a script: its lines, each ended by
 * a backslash and a newline, followed by one zero byte per line (each line raw).
 */
final class FuzzedScript {
    /** At most this many lines a case: enough for a few steps that build on each other. */
    static final int MAX_LINES = 24;
    /** Kinds 0..2 of 8: a raw line; the rest: a structured one. */
    private static final int RAW_KINDS = 3;

    private static final List<String> COMMANDS = List.of(CommandTable.names());

    // The dictionary. Names that exist after ScriptFuzzTest's prologue come first.
    static final String[] PROCS = {"p", "q", "c", "w", "nosuch", "p;q", ""};
    static final String[] REGIONS = {"a", "b", "r", "nosuch", "a b"};
    static final String[] SIZES = {"0", "4K", "4096", "8K", "2M", "1M", "4M", "6M", "8M", "16M", "64M", "1G", "-4K",
        "4097", "2047K", "2m", "4k", "8T", "16T", "9223372036854775807", "99999999999999999999", "9007199254740992K",
        "x", "0x10", "K", ""};
    static final String[] DURATIONS = {"0", "1", "10ms", "200ms", "1s", "10s", "1min", "1m", "1M", "-1s", "500ns", "1us",
        "9223372036854775807ns", "9223372036854775807", "9223372036854775807min", "100000min", "s", "min", "ms", ""};
    static final String[] ADVICES = {"hugepage", "nohugepage", "collapse", "dontneed", "pageout", "HUGEPAGE", "free", ""};
    static final String[] ACCESS = {"read", "write", "rw"};
    static final String[] MACHINES = {"default", "b", "c", "nosuch", ""};
    static final String[] MACHINE_LISTS = {"default,b", "b,default", "default,default", "default", "b,c", "default,b,c",
        ",", "default,"};
    static final String[] FILES = {"w.mm", "bad.mm", "nosuch.mm", ".", "fuzz.mm"};
    static final String[] PREFIXES = {"thp_", "nr_anon", "pgfault", "thp_fault_alloc", "zzz", ""};
    static final String[] NUMBERS = {"0", "1", "2", "-1", "-1000", "1000", "1001", "-1001", "500", "2147483648", "x"};
    static final String[] VALUES = {"always", "madvise", "never", "inherit", "[always]", "defer", "defer+madvise", "within_size",
        "0", "1", "2", "10", "100", "256", "511", "512", "4096", "4294967295", "4294967296", "-1", "x", ""};
    static final String[] POLICY_WORDS = {"list", "use", "enable", "disable", "promotion", "fault", "cow", "reclaim",
        "allocation", "buddy", "base", "thp", "mthp", "reservation", "khugepaged", "madv-collapse", "migration-entry",
        "drop-all", "lru-shrinker", "huge", "pte", "nosuch", "+khugepaged", "-khugepaged", "antifrag"};
    static final String[] RUN_WORDS = {"rfc-fork", "nosuch", "size=16M", "size=64M", "size=3M", "size=1G", "chunk=2M",
        "chunk=16M", "chunk=3M", "swap=16M", "swap=0", "pattern=one", "pattern=random", "pattern=x", "seed=1", "max=3",
        "max=-5", "max=3000000000", "x=1", "=1", "size"};
    static final String[] BOOT_WORDS = {"16M", "32M", "64M", "128M", "15M", "17M", "1T", "8T", "0", "--name", "b", "c",
        "swap=16M", "swap=0", "swap=4K", "swap=1K", "swap=-1", "swap=1T", "seed=7", "seed=x", "seed=-1", "x=1"};
    static final String[] TRACE_WORDS = {"on", "off", "dump", "x"};
    static final String[] EVENT_WORDS = {"mm", "fault", "all", "nosuch", ""};
    static final String[] ECHO_WORDS = {"after", "the", "fork", "café", "'quoted  words'", "#", "a#b", ";", "\\"};
    static final String[] STAT_WORDS = {"x"};

    private final FuzzedDataProvider data;
    private final List<String> knobs;

    FuzzedScript(FuzzedDataProvider data, List<String> knobs) {
        this.data = data;
        this.knobs = knobs;
    }

    /** The next line, or null when the input is used up. */
    String next() {
        if (data.remainingBytes() == 0) {
            return null;
        }
        if (data.consumeInt(0, 7) < RAW_KINDS) {
            return data.consumeString(160);
        }
        StringBuilder line = new StringBuilder(command());
        switch (data.consumeInt(0, 15)) {
            case 0 -> line.insert(0, '!');
            case 1 -> line.insert(0, "mm:");
            case 2 -> line.append("; ").append(command());
            case 3 -> line.append(" # a comment");
            default -> { }
        }
        return line.toString();
    }

    /** A command of the table with its words, quoted where the grammar needs it. */
    private String command() {
        String name = data.pickValue(COMMANDS);
        Parameter[] params = CommandTable.get(name).method().getParameters();
        List<String> words = new ArrayList<>();
        for (Parameter p : params) {
            String d = p.getAnnotation(Descriptor.class).value();
            int n = p.isVarArgs() ? data.consumeInt(0, 4) : 1;
            for (int i = 0; i < n; i++) {
                words.add(word(name, d));
            }
        }
        switch (data.consumeInt(0, 15)) {
            case 0 -> words.add(word(name, ""));
            case 1 -> {
                if (!words.isEmpty()) {
                    words.remove(words.size() - 1);
                }
            }
            default -> { }
        }
        StringJoiner j = new StringJoiner(" ").add(name);
        words.forEach(w -> j.add(quoted(w)));
        return j.toString();
    }

    /** A word for a parameter of that descriptor: from the dictionary, now and then one of the fuzzer's. */
    private String word(String command, String descriptor) {
        if (data.consumeInt(0, 15) == 0) {
            return data.consumeString(24);
        }
        String bare = descriptor.replace("[", "").replace("]", "");
        String[] pool = switch (command) {
            case "boot" -> BOOT_WORDS;
            case "policy" -> POLICY_WORDS;
            case "run" -> RUN_WORDS;
            case "trace" -> TRACE_WORDS;
            case "events" -> EVENT_WORDS;
            case "echo" -> ECHO_WORDS;
            case "stat" -> STAT_WORDS;
            case "help" -> COMMANDS.toArray(new String[0]);
            case "oom_score_adj" -> bare.equals("<proc>") ? PROCS : NUMBERS;
            case "stop" -> NUMBERS;
            case "sysfs" -> knobOrValue();
            case "munmap" -> bare.startsWith("<off>") ? SIZES : null;
            case "compare" -> bare.startsWith("<machine>,") ? MACHINE_LISTS : bare.equals("<file>") ? FILES : PREFIXES;
            case "vmstat" -> PREFIXES;
            default -> null;
        };
        if (pool == null) {
            pool = switch (bare) {
                case "<proc>", "<parent>", "<child>" -> PROCS;
                case "<region>" -> REGIONS;
                case "<off>", "<len>", "<size>" -> SIZES;
                case "<duration>" -> DURATIONS;
                case "<machine>" -> MACHINES;
                case "read|write" -> ACCESS;
                default -> bare.contains("|") ? ADVICES : VALUES;
            };
        }
        return data.pickValue(pool);
    }

    private String[] knobOrValue() {
        return data.consumeBoolean() ? knobs.toArray(new String[0]) : VALUES;
    }

    /** The word as a line must spell it to stay one word: quoted when it has blanks, ; or a leading # or quote. */
    static String quoted(String w) {
        boolean plain = !w.isEmpty() && w.chars().noneMatch(c -> Character.isWhitespace(c) || c == ';')
                && w.charAt(0) != '#' && w.charAt(0) != '\'' && w.charAt(0) != '"';
        if (plain) {
            return w;
        }
        return w.indexOf('\'') < 0 ? "'" + w + "'" : w.indexOf('"') < 0 ? "\"" + w + "\"" : w;
    }
}
