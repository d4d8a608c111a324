package org.thplab.mm.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MemoryManager;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.SyscallResult;

/**
 * The {@code mm} commands. Each Gogo method and each script line goes through {@link #execute},
 * so the interactive shell and scenario scripts behave alike. Commands return their output as
 * text; misuse throws {@link IllegalArgumentException} with a message naming the problem.
 */
@Component(service = Commands.class, property = {
    "osgi.command.scope=mm",
    "osgi.command.function=boot", "osgi.command.function=sysfs", "osgi.command.function=spawn",
    "osgi.command.function=mmap", "osgi.command.function=munmap", "osgi.command.function=madvise",
    "osgi.command.function=touch", "osgi.command.function=fork", "osgi.command.function=exit",
    "osgi.command.function=tick", "osgi.command.function=smaps", "osgi.command.function=vmstat",
    "osgi.command.function=meminfo", "osgi.command.function=buddyinfo", "osgi.command.function=verify",
    "osgi.command.function=check", "osgi.command.function=stat", "osgi.command.function=poison", "osgi.command.function=policy", "osgi.command.function=trace", "osgi.command.function=dmesg",
    "osgi.command.function=oom_score_adj", "osgi.command.function=oom_score",
    "osgi.command.function=help", "osgi.command.function=echo", "osgi.command.function=run",
    "osgi.command.function=jobs", "osgi.command.function=stop"})
public class Commands {

    /** Usage and description of every command, in the order {@code help} lists them. */
    static final Map<String, String[]> USAGE = new LinkedHashMap<>();

    static {
        use("boot", "boot <size> [swap=<size>] [seed=<n>]", "boot a fresh machine with <size> of RAM, an optional swap device and a random seed");
        use("sysfs", "sysfs [<knob> [<value>]]", "list, read or write THP tunables by their sysfs path below /sys/kernel/mm/transparent_hugepage");
        use("spawn", "spawn <proc>", "create a process with an empty address space");
        use("mmap", "mmap <proc> <region> <size>", "map anonymous private read-write memory, 2 MiB aligned, named <region>");
        use("munmap", "munmap <proc> <region> [<off> <len>]", "unmap a region or part of it");
        use("madvise", "madvise <proc> <region> <off> <len> hugepage|nohugepage|collapse|dontneed|pageout", "madvise(2) on part of a region");
        use("touch", "touch <proc> <region> <off> <len> [read|write]", "access every 4 KiB page of the range (default write), faulting as needed");
        use("fork", "fork <parent> <child>", "fork(2): copy the parent's address space copy-on-write");
        use("exit", "exit <proc>", "exit(2): tear down the process's address space");
        use("tick", "tick <duration>", "advance simulated time (ns/us/ms/s/m; plain numbers are ms), running daemons that come due");
        use("smaps", "smaps <proc> [<region>]", "per-VMA Rss, AnonHugePages, Swap in kB, as /proc/PID/smaps");
        use("vmstat", "vmstat [<prefix>]", "counters whose names start with <prefix>, as /proc/vmstat");
        use("meminfo", "meminfo", "memory totals, as /proc/meminfo");
        use("buddyinfo", "buddyinfo", "free blocks per order and migratetype, as /proc/buddyinfo and /proc/pagetypeinfo");
        use("verify", "verify <proc> <region>", "compare every page's content with what the process wrote: ok or <n> mismatches");
        use("stat", "stat [jvm]", "simulated time and mmap lock hold times; with jvm, the host's heap use per simulated frame (not deterministic)");
        use("poison", "poison <proc> <region> <off>", "give the page mapped there an uncorrectable memory error: a collapse copying it fails and rolls back");
        use("check", "check", "check the machine's invariants: frames, refcounts, mapcounts, counters");
        use("policy", "policy [list | use <kind> <name> | enable [promotion] <name> | disable [promotion] <name>]", "list policies, select one, or turn a promoter on or off, live");
        use("trace", "trace [on|off|dump]", "record tracepoints, or print and clear what was recorded");
        use("dmesg", "dmesg", "the kernel log since boot: the OOM killer's reports");
        use("oom_score_adj", "oom_score_adj <proc> [<-1000..1000>]", "read or set how the OOM killer weighs a process, as /proc/PID/oom_score_adj (-1000: never)");
        use("oom_score", "oom_score <proc>", "the OOM killer's badness of a process scaled into 0..2000, as /proc/PID/oom_score");
        use("run", "run [--background] rfc-fork [size=<size>] [chunk=<size>] [swap=<size>] [pattern=one|random] [seed=<n>] [max=<n>]",
                "boot a fresh machine and run a workload (the THP reservation RFC's fork test), or start it in the background");
        use("jobs", "jobs", "background workloads: progress, or their report once done");
        use("stop", "stop <job>", "stop a background workload at its next step and print its report");
        use("echo", "echo <words...>", "print the words: a label in a transcript");
        use("help", "help [mm]", "list the mm commands");
    }

    private static void use(String name, String usage, String description) {
        USAGE.put(name, new String[] {usage, description});
    }

    private final MemoryManager mm;

    @Activate
    public Commands(@Reference MemoryManager mm) {
        this.mm = mm;
    }

    /**
     * Runs one command line. A leading {@code mm:} is optional. A leading {@code !} marks a line
     * that a scenario expects to be misused: its error is printed as {@code error: <message>} and
     * the script goes on; if it does not fail, that is itself an error.
     */
    public String execute(String line) {
        String l = line.strip();
        boolean expectError = l.startsWith("!");
        if (expectError) {
            l = l.substring(1).strip();
        }
        String[] words = l.split("\\s+");
        String name = words[0].startsWith("mm:") ? words[0].substring(3) : words[0];
        String[] args = Arrays.copyOfRange(words, 1, words.length);
        if (!expectError) {
            return dispatch(name, args);
        }
        try {
            dispatch(name, args);
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage();
        }
        throw new IllegalArgumentException(name + ": expected an error, but the command succeeded");
    }

    String dispatch(String name, String[] a) {
        switch (name) {
            case "boot": return boot(a);
            case "sysfs": return sysfs(a);
            case "spawn": return spawn(a);
            case "mmap": return mmap(a);
            case "munmap": return munmap(a);
            case "madvise": return madvise(a);
            case "touch": return touch(a);
            case "fork": return fork(a);
            case "exit": return exit(a);
            case "tick": return tick(a);
            case "smaps": return smaps(a);
            case "vmstat": return vmstat(a);
            case "meminfo": return meminfo(a);
            case "buddyinfo": return buddyinfo(a);
            case "verify": return verify(a);
            case "check": return check(a);
            case "stat": return stat(a);
            case "poison": return poison(a);
            case "policy": return policy(a);
            case "trace": return trace(a);
            case "dmesg": return dmesg(a);
            case "oom_score_adj": return oom_score_adj(a);
            case "oom_score": return oom_score(a);
            case "help": return help(a);
            case "echo": return echo(a);
            case "run": return run(a);
            case "jobs": return jobs(a);
            case "stop": return stop(a);
            default: throw new IllegalArgumentException("unknown command '" + name + "' (try: help mm)");
        }
    }

    private static void arity(String cmd, String[] a, int min, int max) {
        if (a.length < min || a.length > max) {
            throw new IllegalArgumentException(cmd + ": wrong number of arguments; usage: " + USAGE.get(cmd)[0]);
        }
    }

    @Descriptor("boot a fresh machine: boot <size> [swap=<size>] [seed=<n>]")
    public String boot(String... a) {
        arity("boot", a, 1, 3);
        long size = Sizes.bytes("boot", a[0]);
        long swap = 0;
        long seed = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i].startsWith("swap=")) {
                swap = Sizes.bytes("boot swap", a[i].substring(5));
            } else if (a[i].startsWith("seed=")) {
                try {
                    seed = Long.parseLong(a[i].substring(5));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("boot: bad seed '" + a[i].substring(5) + "'");
                }
            } else {
                throw new IllegalArgumentException("boot: unknown option '" + a[i] + "'; usage: " + USAGE.get("boot")[0]);
            }
        }
        return mm.boot(size, swap, seed);
    }

    @Descriptor("list, read or write THP tunables: sysfs [<knob> [<value>]]")
    public String sysfs(String... a) {
        arity("sysfs", a, 0, 2);
        if (a.length == 0) {
            StringJoiner j = new StringJoiner("\n");
            mm.tunables().all().forEach((k, v) -> j.add(k + ": " + v));
            return j.toString();
        }
        if (a.length == 1) {
            String v = mm.tunables().all().get(a[0]);
            if (v == null) {
                throw new IllegalArgumentException("sysfs: no knob '" + a[0] + "'");
            }
            return v;
        }
        mm.sysfs(a[0], a[1]);
        return null;
    }

    @Descriptor("create a process: spawn <proc>")
    public String spawn(String... a) {
        arity("spawn", a, 1, 1);
        mm.spawn(a[0]);
        return null;
    }

    @Descriptor("map anonymous memory, 2 MiB aligned: mmap <proc> <region> <size>")
    public String mmap(String... a) {
        arity("mmap", a, 3, 3);
        mm.mmap(a[0], a[1], Sizes.bytes("mmap", a[2]));
        return null;
    }

    @Descriptor("unmap a region or part of it: munmap <proc> <region> [<off> <len>]")
    public String munmap(String... a) {
        if (a.length != 2 && a.length != 4) {
            arity("munmap", a, 5, 5);
        }
        if (a.length == 2) {
            mm.munmap(a[0], a[1], 0, -1);
        } else {
            mm.munmap(a[0], a[1], Sizes.bytes("munmap", a[2]), Sizes.bytes("munmap", a[3]));
        }
        return null;
    }

    @Descriptor("madvise(2): madvise <proc> <region> <off> <len> hugepage|nohugepage|collapse|dontneed|pageout")
    public String madvise(String... a) {
        arity("madvise", a, 5, 5);
        Advice advice = Advice.parse(a[4]);
        if (advice == null) {
            throw new IllegalArgumentException("madvise: unknown advice '" + a[4] + "' (hugepage, nohugepage, collapse, dontneed, pageout)");
        }
        SyscallResult r = mm.madvise(a[0], a[1], Sizes.bytes("madvise", a[2]), Sizes.bytes("madvise", a[3]), advice);
        return r.toString();
    }

    @Descriptor("access every 4 KiB page of a range: touch <proc> <region> <off> <len> [read|write]")
    public String touch(String... a) {
        arity("touch", a, 4, 5);
        boolean write = true;
        if (a.length == 5) {
            if (a[4].equals("read")) {
                write = false;
            } else if (!a[4].equals("write")) {
                throw new IllegalArgumentException("touch: access must be read or write, not '" + a[4] + "'");
            }
        }
        SyscallResult r = mm.touch(a[0], a[1], Sizes.bytes("touch", a[2]), Sizes.bytes("touch", a[3]), write);
        return r.ok() ? null : r.toString();
    }

    @Descriptor("fork(2): fork <parent> <child>")
    public String fork(String... a) {
        arity("fork", a, 2, 2);
        SyscallResult r = mm.fork(a[0], a[1]);
        return r.ok() ? null : r.toString();
    }

    @Descriptor("exit(2): exit <proc>")
    public String exit(String... a) {
        arity("exit", a, 1, 1);
        mm.exit(a[0]);
        return null;
    }

    @Descriptor("advance simulated time: tick <duration> (ns, us, ms, s, m; plain numbers are ms)")
    public String tick(String... a) {
        arity("tick", a, 1, 1);
        mm.tick(Sizes.duration(a[0]));
        return null;
    }

    @Descriptor("per-VMA memory in kB as /proc/PID/smaps: smaps <proc> [<region>]")
    public String smaps(String... a) {
        arity("smaps", a, 1, 2);
        List<SmapsEntry> entries = mm.smaps(a[0], a.length > 1 ? a[1] : null);
        StringJoiner j = new StringJoiner("\n");
        for (SmapsEntry e : entries) {
            j.add(String.format("%012x-%012x rw-p 00000000 00:00 0  [%s]", e.start(), e.end(), e.region()));
            j.add(kb("Size:", e.sizeKb()));
            j.add(kb("Rss:", e.rssKb()));
            j.add(kb("AnonHugePages:", e.anonHugeKb()));
            j.add(kb("Swap:", e.swapKb()));
            j.add(String.format("%-15s %8d", "THPeligible:", e.thpEligible() ? 1 : 0));
            j.add("VmFlags: " + e.vmFlags());
        }
        return j.toString();
    }

    private static String kb(String key, long v) {
        return String.format("%-15s %8d kB", key, v);
    }

    @Descriptor("counters as /proc/vmstat: vmstat [<prefix>]")
    public String vmstat(String... a) {
        arity("vmstat", a, 0, 1);
        String prefix = a.length == 1 ? a[0] : "";
        StringJoiner j = new StringJoiner("\n");
        mm.vmstat().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                j.add(k + " " + v);
            }
        });
        if (j.length() == 0) {
            throw new IllegalArgumentException("vmstat: no counter starts with '" + prefix + "'");
        }
        return j.toString();
    }

    @Descriptor("memory totals as /proc/meminfo")
    public String meminfo(String... a) {
        arity("meminfo", a, 0, 0);
        StringJoiner j = new StringJoiner("\n");
        mm.meminfo().forEach((k, v) -> j.add(kb(k + ":", v)));
        return j.toString();
    }

    @Descriptor("free blocks per order and migratetype, as /proc/buddyinfo and /proc/pagetypeinfo")
    public String buddyinfo(String... a) {
        arity("buddyinfo", a, 0, 0);
        StringJoiner j = new StringJoiner("\n");
        mm.buddyinfo().forEach((type, counts) -> {
            StringBuilder b = new StringBuilder(String.format("Node 0, zone   Normal, type %12s", type));
            for (long c : counts) {
                b.append(String.format(" %6d", c));
            }
            j.add(b.toString());
        });
        return j.toString();
    }

    @Descriptor("compare page contents with what the process wrote: verify <proc> <region>")
    public String verify(String... a) {
        arity("verify", a, 2, 2);
        long bad = mm.verify(a[0], a[1]);
        return bad == 0 ? "ok" : bad + " mismatches";
    }

    @Descriptor("simulated time and mmap lock hold; stat jvm: heap bytes per simulated frame (host-dependent)")
    public String stat(String... a) {
        arity("stat", a, 0, 1);
        StringJoiner j = new StringJoiner("\n");
        mm.stat().forEach((k, v) -> j.add(k + " " + v));
        String sim = j.toString();
        if (a.length == 0) {
            return sim;
        }
        if (!a[0].equals("jvm")) {
            throw new IllegalArgumentException("stat: expected jvm, not '" + a[0] + "'");
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long used = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long frames = mm.meminfo().get("MemTotal") / 4 + 512;
        return sim + String.format("%nheap_used_bytes %d%nheap_bytes_per_frame %.2f (all of the JVM's heap over %d frames)",
                used, used / (double) frames, frames);
    }

    @Descriptor("give a mapped page an uncorrectable memory error: poison <proc> <region> <off>")
    public String poison(String... a) {
        arity("poison", a, 3, 3);
        mm.poison(a[0], a[1], Sizes.bytes("poison", a[2]));
        return null;
    }

    @Descriptor("check the machine's invariants")
    public String check(String... a) {
        arity("check", a, 0, 0);
        List<String> problems = mm.check();
        if (problems.isEmpty()) {
            return "ok";
        }
        StringJoiner j = new StringJoiner("\n");
        j.add(problems.size() + " violations");
        problems.forEach(j::add);
        return j.toString();
    }

    @Descriptor("list policies or switch one live: policy [list | use <kind> <name> | enable [promotion] <name> | disable [promotion] <name>]")
    public String policy(String... a) {
        if (a.length == 0 || (a.length == 1 && a[0].equals("list"))) {
            StringJoiner j = new StringJoiner("\n");
            for (PolicyInfo p : mm.policies()) {
                String active = p.active().isEmpty() ? "(fallback: " + p.fallback() + ")" : String.join(", ", p.active());
                j.add(String.format("%-10s %s", p.kind(), active));
                List<String> cands = new ArrayList<>(p.candidates());
                j.add(String.format("%-10s   candidates: %s", "", cands.isEmpty() ? "none" : String.join(", ", cands)));
            }
            return j.toString();
        }
        if (a[0].equals("use") && a.length == 3) {
            mm.usePolicy(a[1], a[2]);
            return null;
        }
        boolean toggle = a[0].equals("enable") || a[0].equals("disable");
        if (toggle && (a.length == 2 || (a.length == 3 && a[1].equals("promotion")))) {
            mm.usePolicy("promotion", (a[0].equals("enable") ? "+" : "-") + a[a.length - 1]);
            return null;
        }
        throw new IllegalArgumentException("policy: usage: " + USAGE.get("policy")[0]);
    }

    @Descriptor("the kernel log since boot: dmesg")
    public String dmesg(String... a) {
        arity("dmesg", a, 0, 0);
        return String.join("\n", mm.dmesg());
    }

    @Descriptor("read or set /proc/PID/oom_score_adj: oom_score_adj <proc> [<-1000..1000>]")
    public String oom_score_adj(String... a) {
        arity("oom_score_adj", a, 1, 2);
        Integer value = null;
        if (a.length == 2) {
            try {
                value = Integer.valueOf(a[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("oom_score_adj: the value must be a number from -1000 to 1000, not '" + a[1] + "'");
            }
        }
        int now = mm.oomScoreAdj(a[0], value);
        return value == null ? Integer.toString(now) : null;
    }

    @Descriptor("/proc/PID/oom_score: oom_score <proc>")
    public String oom_score(String... a) {
        arity("oom_score", a, 1, 1);
        return Long.toString(mm.oomScore(a[0]));
    }

    @Descriptor("record tracepoints: trace [on|off|dump]")
    public String trace(String... a) {
        arity("trace", a, 0, 1);
        String what = a.length == 0 ? "dump" : a[0];
        switch (what) {
            case "on": mm.trace(true); return null;
            case "off": mm.trace(false); return null;
            case "dump": return String.join("\n", mm.traceDump());
            default: throw new IllegalArgumentException("trace: expected on, off or dump, not '" + what + "'");
        }
    }

    @Descriptor("boot a fresh machine and run a workload: run rfc-fork [size=..] [chunk=..] [swap=..] [pattern=one|random] [seed=..] [max=..]")
    public String run(String... a) {
        boolean background = a.length > 0 && a[0].equals("--background");
        if (background) {
            a = Arrays.copyOfRange(a, 1, a.length);
        }
        if (a.length < 1) {
            throw new IllegalArgumentException("run: usage: " + USAGE.get("run")[0]);
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < a.length; i++) {
            int eq = a[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("run: expected key=value, not '" + a[i] + "'");
            }
            String k = a[i].substring(0, eq);
            String v = a[i].substring(eq + 1);
            if (k.equals("size") || k.equals("chunk") || k.equals("swap")) {
                v = Long.toString(Sizes.bytes("run " + k, v));
            }
            params.put(k, v);
        }
        if (background) {
            return "job " + mm.runBackground(a[0], params) + " started";
        }
        return mm.run(a[0], params);
    }

    @Descriptor("background workloads: jobs")
    public String jobs(String... a) {
        arity("jobs", a, 0, 0);
        List<String> j = mm.jobs();
        return j.isEmpty() ? "no jobs" : String.join("\n", j);
    }

    @Descriptor("stop a background workload: stop <job>")
    public String stop(String... a) {
        arity("stop", a, 1, 1);
        try {
            return mm.stop(Integer.parseInt(a[0]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("stop: bad job number '" + a[0] + "'");
        }
    }

    @Descriptor("print the words, to label a transcript: echo <words...>")
    public String echo(String... a) {
        return String.join(" ", a);
    }

    @Descriptor("list the mm commands with their usage")
    public String help(String... a) {
        arity("help", a, 0, 1);
        StringJoiner j = new StringJoiner("\n");
        USAGE.forEach((name, u) -> j.add(String.format("mm:%-10s %s%n    %s", name, u[1], u[0])));
        return j.toString();
    }
}
