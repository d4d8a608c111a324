package org.thplab.mm.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.felix.service.command.Descriptor;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.BootParameters;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.Tracing;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.api.WorkloadResult;
import org.thplab.mm.api.Workloads;

/**
 * The {@code mm} commands, one public method each. The method's name is the command's, its
 * {@link Descriptor} the help, its parameters' descriptors the usage and how many words it takes
 * ({@link CommandTable} reads them; {@link GogoCommands} registers a Gogo function for each).
 * Gogo calls a method itself when the words fit its parameters, and {@link #_main} when they do
 * not; a script line goes through {@link #execute}. Either way the same checks run, and misuse
 * throws {@link IllegalArgumentException} with a message naming the problem. Commands return
 * their output as text.
 *
 * <p>The commands act on the <em>current</em> machine: {@value MachineFactory#DEFAULT} until
 * {@code boot --name} or {@code use} picks another. One {@code Commands} is one shell's state
 * (its current machine); it is not meant for two threads at once ({@link Compare} gives each of
 * its machines a {@code Commands} of its own).
 */
public class Commands {
    private final MachineFactory machines;
    private final Workloads workloads;
    /** The machine the commands act on. */
    private String current = MachineFactory.DEFAULT;
    /** Set when {@link Compare} runs a script on this machine: it may not switch machines. */
    private final String pinnedBy;
    /** The script file whose line runs now, or null (interactive): {@code compare} reads files relative to it. */
    private String scriptFile;

    public Commands(MachineFactory machines, Workloads workloads) {
        this(machines, workloads, MachineFactory.DEFAULT, null);
    }

    /** The commands of a script that {@code compare} runs on one machine: pinned to it. */
    Commands(MachineFactory machines, Workloads workloads, String machine, String pinnedBy) {
        this.machines = machines;
        this.workloads = workloads;
        this.current = machine;
        this.pinnedBy = pinnedBy;
    }

    /** The current machine; misuse when it was removed meanwhile. */
    private SimulatedMachine machine() {
        SimulatedMachine m = machines.machine(current);
        if (m == null) {
            throw new IllegalArgumentException("no machine '" + current + "' any more (machines lists them; use picks one)");
        }
        return m;
    }

    private MachineOps mm() {
        return machine().ops();
    }

    private PolicyAdmin policies() {
        return machine().policyAdmin();
    }

    private Tracing tracing() {
        return machine().tracing();
    }

    MachineFactory factory() {
        return machines;
    }

    /** The name of the machine the commands act on (the one {@code machines} marks with *). */
    String current() {
        return current;
    }

    Workloads workloads() {
        return workloads;
    }

    /** Runs one command of a script line of file (for ScriptRunner): compare reads its file relative to that one. */
    String run(Line.Command command, String file) {
        String outer = scriptFile;
        scriptFile = file;
        try {
            return run(command);
        } finally {
            scriptFile = outer;
        }
    }

    /** Runs a script line of file: compare reads its file relative to that one. */
    String execute(String line, String file) {
        String outer = scriptFile;
        scriptFile = file;
        try {
            return execute(line);
        } finally {
            scriptFile = outer;
        }
    }

    /**
     * Runs one command line, parsed as {@link Line} says: its commands in order, their outputs
     * joined by newlines; the first misused one throws. A leading {@code mm:} is optional.
     */
    public String execute(String line) {
        StringJoiner out = new StringJoiner("\n");
        for (Line.Command c : Line.parse(line)) {
            String r = run(c);
            if (r != null && !r.isEmpty()) {
                out.add(r);
            }
        }
        return out.toString();
    }

    /**
     * Runs one command. One marked with {@code !} is one that a scenario expects to be misused:
     * its error is the output, as {@code error: <message>}; if it does not fail, that is itself
     * an error.
     */
    String run(Line.Command command) {
        List<String> words = command.words();
        String name = words.get(0).startsWith("mm:") ? words.get(0).substring(3) : words.get(0);
        String[] args = words.subList(1, words.size()).toArray(new String[0]);
        if (!command.expectError()) {
            return CommandTable.run(this, name, args);
        }
        try {
            CommandTable.run(this, name, args);
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage();
        }
        throw new IllegalArgumentException(name + ": expected an error, but the command succeeded");
    }

    /**
     * What may come next on a command line, for the interactive shell's Tab: {@code before} holds
     * the words of the command typed so far, up to the one being completed. Command names first;
     * then, from each parameter's descriptor, process, region, machine, policy, knob, workload and
     * parameter names, and the words a descriptor lists ({@code [read|write]}). Never throws:
     * what cannot be known now (no machine booted) offers nothing.
     */
    List<String> complete(List<String> before) {
        try {
            return completions(before);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private List<String> completions(List<String> before) {
        if (before.isEmpty()) {
            List<String> names = new ArrayList<>(Arrays.asList(CommandTable.names()));
            names.add("quit");
            return names;
        }
        String name = before.get(0).startsWith("mm:") ? before.get(0).substring(3) : before.get(0);
        int i = before.size(); // the index of the word being completed; 1 is the first argument
        List<String> last = before.subList(1, before.size());
        switch (name) {
            case "help":
                return i == 1 ? Arrays.asList(CommandTable.names()) : List.of();
            case "sysctl":
                return i == 1 ? new ArrayList<>(mm().sysctl().keySet()) : List.of();
            case "sysfs":
                if (i == 1) {
                    return new ArrayList<>(mm().tunables().all().keySet());
                }
                return i == 2 ? choices(mm().tunables().read(before.get(1))) : List.of();
            case "policy":
                return policyWords(last);
            case "run":
                return runWords(last);
            case "boot":
                if (i == 1) {
                    return List.of("--name");
                }
                if (i == 2 && before.get(1).equals("--name")) {
                    return machines.names();
                }
                return List.of("swap=", "seed=");
            case "events":
                return List.of("mm", "fault", "all");
            case "compare":
                return List.of();
            default:
                break;
        }
        CommandTable.Command c = CommandTable.get(name);
        if (c == null) {
            return List.of();
        }
        java.lang.reflect.Parameter[] params = c.method().getParameters();
        int p = Math.min(i - 1, params.length - 1);
        if (p < 0 || (i - 1 >= params.length && !c.varargs())) {
            return List.of();
        }
        String d = params[p].getAnnotation(org.apache.felix.service.command.Descriptor.class).value();
        String bare = d.replace("[", "").replace("]", "");
        switch (bare) {
            case "<proc>", "<parent>":
                return mm().processes();
            case "<region>": {
                List<String> regions = new ArrayList<>();
                for (SmapsEntry e : mm().smaps(before.get(1), null)) {
                    if (!regions.contains(e.region())) {
                        regions.add(e.region());
                    }
                }
                return regions;
            }
            case "<machine>":
                return machines.names();
            default:
                return bare.contains("<") || bare.contains(" ") ? List.of() : Arrays.asList(bare.split("\\|"));
        }
    }

    /** The words of a value as sysfs shows a choice, {@code [always] madvise never}: each of them. */
    private static List<String> choices(String value) {
        if (value == null || !value.contains("[")) {
            return List.of();
        }
        return Arrays.asList(value.replace("[", "").replace("]", "").trim().split("\\s+"));
    }

    private List<String> policyWords(List<String> a) {
        if (a.isEmpty()) {
            return List.of("list", "use", "enable", "disable");
        }
        List<PolicyInfo> all = policies().policies();
        switch (a.get(0)) {
            case "use":
                if (a.size() == 1) {
                    return all.stream().map(PolicyInfo::kind).toList();
                }
                if (a.size() == 2) {
                    return all.stream().filter(p -> p.kind().equals(a.get(1))).flatMap(p -> p.candidates().stream())
                            .map(n -> n.split(" ")[0]).toList();
                }
                return List.of();
            case "enable", "disable": {
                List<String> names = new ArrayList<>();
                if (a.size() == 1) {
                    names.add("promotion");
                }
                if (a.size() == 1 || (a.size() == 2 && a.get(1).equals("promotion"))) {
                    all.stream().filter(p -> p.kind().equals("promotion")).flatMap(p -> p.candidates().stream())
                            .map(n -> n.split(" ")[0]).forEach(names::add);
                }
                return names;
            }
            default:
                return List.of();
        }
    }

    private List<String> runWords(List<String> a) {
        int options = 0;
        while (options < a.size() && (a.get(options).equals("--background") || a.get(options).equals("--json"))) {
            options++;
        }
        List<String> w = a.subList(options, a.size());
        if (w.isEmpty()) {
            List<String> names = new ArrayList<>(workloads.installed());
            if (a.isEmpty()) {
                names.add(0, "--json");
                names.add(0, "--background");
            }
            return names;
        }
        return workloads.parameters(w.get(0)).stream().map(p -> p.name() + "=").toList();
    }

    /**
     * Gogo calls {@code _main} with the command's name and its words when they fit no method of
     * that name (too few or too many, or an optional one left out): it runs them as a script line
     * would, so the interactive shell gives the same answer and the same usage message.
     */
    public String _main(String... nameAndWords) {
        return CommandTable.run(this, nameAndWords[0], Arrays.copyOfRange(nameAndWords, 1, nameAndWords.length));
    }

    // The usage stays "boot <size> [swap=<size>] [seed=<n>]", as scripts/errors.out shows it;
    // --name <machine> may come first, and the help says so.
    @Descriptor("boot a fresh machine with <size> of RAM, an optional swap device and a random seed;"
            + " boot --name <machine> ... boots that machine (making it if need be) and makes it current")
    @Example({"boot 4G swap=1G seed=7", "boot --name b 1G"})
    public String boot(@Descriptor("<size> [swap=<size>] [seed=<n>]") String... words) {
        String name = current;
        String[] w = words;
        if (w.length > 0 && w[0].equals("--name")) {
            if (w.length < 2) {
                throw CommandTable.wrongNumberOfArguments("boot");
            }
            if (pinnedBy != null) {
                throw new IllegalArgumentException("boot: --name is not for a script that " + pinnedBy
                        + " runs: it runs on the machine " + pinnedBy + " gives it");
            }
            name = w[1];
            w = Arrays.copyOfRange(w, 2, w.length);
        }
        if (w.length < 1 || w.length > 3) {
            throw CommandTable.wrongNumberOfArguments("boot");
        }
        long bytes = Sizes.bytes("boot", w[0]);
        long swap = 0;
        long seed = 0;
        for (int i = 1; i < w.length; i++) { // in either order
            String o = w[i];
            if (o.startsWith("swap=")) {
                swap = Sizes.bytes("boot swap", o.substring(5));
            } else if (o.startsWith("seed=")) {
                seed = Sizes.longValue(o.substring(5), "boot: bad seed '" + o.substring(5) + "'");
            } else {
                throw new IllegalArgumentException("boot: unknown option '" + o + "'; usage: " + CommandTable.usage("boot"));
            }
        }
        SimulatedMachine m = machines.machine(name);
        if (m != null) {
            String booted = m.ops().boot(bytes, swap, seed);
            current = name;
            return booted;
        }
        try {
            m = machines.create(name);
        } catch (MmUsageException e) {
            throw new IllegalArgumentException("boot: " + e.getMessage());
        }
        try {
            String booted = m.ops().boot(bytes, swap, seed);
            current = name;
            return booted;
        } catch (RuntimeException e) {
            machines.remove(name); // a misused boot makes no machine
            throw e;
        }
    }

    @Descriptor("make <machine> the current one: every command but boot --name and compare acts on it")
    @Example({"use b"})
    public String use(@Descriptor("<machine>") String name) {
        if (pinnedBy != null) {
            throw new IllegalArgumentException("use: not in a script that " + pinnedBy + " runs: it runs on the machine "
                    + pinnedBy + " gives it");
        }
        if (machines.machine(name) == null) {
            throw new IllegalArgumentException("use: no machine '" + name + "' (machines: " + String.join(", ", machines.names()) + ")");
        }
        current = name;
        return null;
    }

    @Descriptor("list the machines: * marks the current one, then what each was booted with")
    @Example({"machines"})
    public String machines() {
        StringJoiner j = new StringJoiner("\n");
        int width = 0;
        for (String n : machines.names()) {
            width = Math.max(width, n.length());
        }
        for (String n : machines.names()) {
            SimulatedMachine m = machines.machine(n);
            if (m == null) {
                continue; // removed meanwhile
            }
            BootParameters b = m.ops().bootParameters();
            String what = b == null ? "not booted" : Sizes.format(b.bytes()) + " swap=" + Sizes.format(b.swapBytes()) + " seed=" + b.seed();
            j.add(String.format("%s %-" + width + "s  %s", n.equals(current) ? "*" : " ", n, what));
        }
        return j.toString();
    }

    @Descriptor("run the script <file> on each machine (side by side, a thread each) and print counters"
            + " with these prefixes, one column per machine; without a prefix, those that differ")
    @Example({"compare a,b scripts/machines-workload.mm thp_ nr_anon"})
    public String compare(@Descriptor("<machine>,<machine>...") String list, @Descriptor("<file>") String file,
            @Descriptor("[<counter-prefix>...]") String... prefixes) {
        if (pinnedBy != null) {
            throw new IllegalArgumentException("compare: not in a script that " + pinnedBy + " runs");
        }
        return new Compare(this, scriptFile).run(list, file, prefixes);
    }

    @Descriptor("list, read or write THP tunables by their sysfs path below /sys/kernel/mm/transparent_hugepage")
    @Example({"sysfs enabled", "sysfs enabled madvise", "sysfs khugepaged/scan_sleep_millisecs 10"})
    public String sysfs(@Descriptor("[<knob> [<value>]]") String... knobValue) {
        switch (knobValue.length) {
            case 0: {
                StringJoiner j = new StringJoiner("\n");
                mm().tunables().all().forEach((k, v) -> j.add(k + ": " + v));
                return j.toString();
            }
            case 1: {
                String v = mm().tunables().read(knobValue[0]);
                if (v == null) {
                    throw new IllegalArgumentException("sysfs: no knob '" + knobValue[0] + "'");
                }
                return v;
            }
            case 2:
                mm().sysfs(knobValue[0], knobValue[1]);
                return null;
            default:
                throw CommandTable.wrongNumberOfArguments("sysfs");
        }
    }

    @Descriptor("list, read or write the overcommit and watermark knobs of /proc/sys/vm (vm.overcommit_memory 0/1/2,"
            + " vm.overcommit_ratio, vm.overcommit_kbytes, vm.admin_reserve_kbytes, vm.user_reserve_kbytes,"
            + " vm.min_free_kbytes, vm.watermark_scale_factor) and thplab.overcommit_guess_heuristic"
            + " (6.18 or 4.19, a thplab extension); <name>=<value> also writes")
    @Example({"sysctl", "sysctl vm.overcommit_memory", "sysctl vm.overcommit_memory 2", "sysctl vm.overcommit_ratio=80"})
    public String sysctl(@Descriptor("[<name> [<value>]]") String... nameValue) {
        String[] w = nameValue.length == 1 && nameValue[0].contains("=") ? nameValue[0].split("=", 2) : nameValue;
        Map<String, String> all = mm().sysctl();
        switch (w.length) {
            case 0: {
                StringJoiner j = new StringJoiner("\n");
                all.forEach((k, v) -> j.add(k + " = " + v)); // sysctl(8)'s layout
                return j.toString();
            }
            case 1:
                if (!all.containsKey(w[0])) {
                    throw new IllegalArgumentException("sysctl: no knob '" + w[0] + "' (" + String.join(", ", all.keySet()) + ")");
                }
                return w[0] + " = " + all.get(w[0]);
            case 2:
                mm().sysctl(w[0], w[1]);
                return null;
            default:
                throw CommandTable.wrongNumberOfArguments("sysctl");
        }
    }

    @Descriptor("create a process with an empty address space")
    @Example({"spawn app"})
    public String spawn(@Descriptor("<proc>") String proc) {
        mm().spawn(proc);
        return null;
    }

    @Descriptor("create a thread of a process (clone with CLONE_VM|CLONE_THREAD): it shares the address space and runs on a CPU"
            + " and clock of its own; touch, access and perf stat name it <proc>/<thread>")
    @Example({"clone app t1"})
    public String clone(@Descriptor("<proc>") String proc, @Descriptor("<thread>") String thread) {
        mm().clone(proc, thread);
        return null;
    }

    @Descriptor("map anonymous private read-write memory, 2 MiB aligned, named <region>")
    @Example({"mmap app heap 64M"})
    public String mmap(@Descriptor("<proc>") String proc, @Descriptor("<region>") String region, @Descriptor("<size>") String size) {
        SyscallResult r = mm().tryMmap(proc, region, Sizes.bytes("mmap", size));
        return r.ok() ? null : r.toString();
    }

    @Descriptor("unmap a region or part of it")
    @Example({"munmap app heap 2M 4K", "munmap app heap"})
    public String munmap(@Descriptor("<proc>") String proc, @Descriptor("<region>") String region,
            @Descriptor("[<off> <len>]") String... range) {
        if (range.length == 0) {
            mm().munmap(proc, region, 0, -1);
        } else if (range.length == 2) {
            mm().munmap(proc, region, Sizes.offset("munmap", range[0]), Sizes.length("munmap", range[1]));
        } else {
            throw CommandTable.wrongNumberOfArguments("munmap");
        }
        return null;
    }

    @Descriptor("madvise(2) on part of a region")
    @Example({"madvise app heap 0 2M collapse"})
    public String madvise(@Descriptor("<proc>") String proc, @Descriptor("<region>") String region, @Descriptor("<off>") String off,
            @Descriptor("<len>") String len, @Descriptor("hugepage|nohugepage|collapse|dontneed|pageout") String advice) {
        Advice a = Advice.parse(advice);
        if (a == null) {
            throw new IllegalArgumentException("madvise: unknown advice '" + advice + "' (hugepage, nohugepage, collapse, dontneed, pageout)");
        }
        return mm().madvise(proc, region, Sizes.offset("madvise", off), Sizes.length("madvise", len), a).toString();
    }

    @Descriptor("access every 4 KiB page of the range (default write), faulting as needed")
    @Example({"touch app heap 0 64M write", "touch app heap 2M 4K read"})
    public String touch(@Descriptor("<proc>") String proc, @Descriptor("<region>") String region, @Descriptor("<off>") String off,
            @Descriptor("<len>") String len, @Descriptor("[read|write]") String access) {
        boolean write = access == null || access.equals("write");
        if (!write && !access.equals("read")) {
            throw new IllegalArgumentException("touch: access must be read or write, not '" + access + "'");
        }
        SyscallResult r = mm().touch(proc, region, Sizes.offset("touch", off), Sizes.length("touch", len), write);
        return r.ok() ? null : r.toString();
    }

    @Descriptor("run <count> loads (default) or stores on the region through the process's TLB: seq, stride=<size>, uniform,"
            + " zipf=<theta>, hotset=<fraction>:<probability> (drawn from the machine's seed); unmapped pages fault as in touch")
    @Example({"access app heap uniform 1M", "access app heap zipf=0.99 100k write", "access app heap hotset=0.1:0.9 1M"})
    public String access(@Descriptor("<proc>") String proc, @Descriptor("<region>") String region,
            @Descriptor("<pattern>") String pattern, @Descriptor("<count>") String count, @Descriptor("[read|write]") String access) {
        boolean write = access != null && access.equals("write");
        if (access != null && !write && !access.equals("read")) {
            throw new IllegalArgumentException("access: the access must be read or write, not '" + access + "'");
        }
        SyscallResult r = mm().access(proc, region, AccessPattern.parse(pattern), Hardware.count(count), write);
        return r.ok() ? null : r.toString();
    }

    @Descriptor("perf stat of a process: its simulated task clock, faults and TLB events (perf's names) since it was created")
    @Example({"perf stat app"})
    public String perf(@Descriptor("stat") String stat, @Descriptor("<proc>") String proc) {
        if (!stat.equals("stat")) {
            throw new IllegalArgumentException("perf: only perf stat <proc> is simulated, not perf " + stat);
        }
        return Hardware.perfStat(mm().perfStat(proc));
    }

    @Descriptor("Mel Gorman's four measures: collapse and CoW copies, mmap lock holds, RAM lost to huge pages,"
            + " and what delayed or absent THP cost the accesses (of one process, or all); --json: as one JSON object")
    @Example({"report", "report app", "report --json app"})
    public String report(@Descriptor("[--json] [<proc>]") String... a) {
        boolean json = a.length > 0 && a[0].equals("--json");
        List<String> w = Arrays.asList(a).subList(json ? 1 : 0, a.length);
        if (w.size() > 1 || !w.isEmpty() && w.get(0).startsWith("-")) {
            throw new IllegalArgumentException("report: usage is report [--json] [<proc>], not report " + String.join(" ", a));
        }
        String proc = w.isEmpty() ? null : w.get(0);
        Map<String, Long> r = mm().report(proc);
        return json ? Hardware.reportJson(r, proc) : Hardware.report(r, proc);
    }

    @Descriptor("record the machine's counters over simulated time: start [interval=<duration>] (default 100ms)"
            + " [counters=<prefix>,...] (vmstat counters kept; meminfo, each process's Rss and AnonHugePages and report's"
            + " measures always), stop, show <column-prefix>..., save <file>.csv|.json; alone: what is recorded")
    @Example({"record start interval=10ms counters=thp_,nr_anon", "record show thp_fault_alloc meminfo.AnonHugePages",
            "record stop", "record save run.csv"})
    public String record(@Descriptor("[start [interval=<duration>] [counters=<prefix>,...] | stop | show <column>... | save <file>]")
            String... a) {
        return RecordCommand.run(mm(), a, scriptFile);
    }

    @Descriptor("draw a chart of a recording (record save) or a sweep's results, .csv or .json, into <file>.svg or .png:"
            + " memory, thp, counters=<name>,..., latency or latency=ccdf (1 - CDF, log y; JSON recordings), bar=<measure>[:<column>], heatmap=<measure>:<x>:<y>")
    @Example({"plot run.csv memory memory.svg", "plot run.json latency latency.png", "plot run.csv counters=thp_fault_alloc,pgfault c.svg"})
    public String plot(@Descriptor("<table>") String table, @Descriptor("<what>") String what, @Descriptor("<file>") String file) {
        return RecordCommand.plot(table, what, file, scriptFile);
    }

    @Descriptor("list, read or write the MMU: preset (skylake, zen2, zen4, neoverse-n1), virtualized (0/1: nested paging),"
            + " host_page (4K/2M), cpus; a write empties every TLB")
    @Example({"mmu", "mmu preset skylake", "mmu virtualized 1"})
    public String mmu(@Descriptor("[<knob> [<value>]]") String... knobValue) {
        MachineOps ops = mm();
        switch (knobValue.length) {
            case 0: {
                StringJoiner j = new StringJoiner("\n");
                for (String k : Hardware.KNOBS) {
                    j.add(k + ": " + Hardware.read(ops.mmu(), k));
                }
                return j.toString();
            }
            case 1:
                return Hardware.read(ops.mmu(), knobValue[0]);
            case 2:
                ops.mmu(Hardware.write(ops.mmu(), knobValue[0], knobValue[1]));
                return null;
            default:
                throw CommandTable.wrongNumberOfArguments("mmu");
        }
    }

    @Descriptor("fork(2): copy the parent's address space copy-on-write")
    @Example({"fork app child"})
    public String fork(@Descriptor("<parent>") String parent, @Descriptor("<child>") String child) {
        SyscallResult r = mm().fork(parent, child);
        return r.ok() ? null : r.toString();
    }

    @Descriptor("exit(2): tear down the process's address space")
    @Example({"exit child"})
    public String exit(@Descriptor("<proc>") String proc) {
        mm().exit(proc);
        return null;
    }

    @Descriptor("advance simulated time (ns/us/ms/s/min; plain numbers are ms), running daemons that come due")
    @Example({"tick 200ms", "tick 1min"})
    public String tick(@Descriptor("<duration>") String duration) {
        mm().tick(Sizes.duration(duration));
        return null;
    }

    @Descriptor("per-VMA Rss, Pss, shared and private, AnonHugePages, Swap in kB, as /proc/PID/smaps")
    @Example({"smaps app heap"})
    public String smaps(@Descriptor("<proc>") String proc, @Descriptor("[<region>]") String region) {
        StringJoiner j = new StringJoiner("\n");
        for (SmapsEntry e : mm().smaps(proc, region)) {
            // show_map_vma(): the region's name as a named anonymous mapping's (PR_SET_VMA_ANON_NAME).
            j.add(header(e, "rw-p", "[anon:" + e.region() + "]"));
            j.add(kb("Size:", e.sizeKb()));
            j.add(kb("KernelPageSize:", 4));
            j.add(kb("MMUPageSize:", 4));
            smapsLines(j, e, false);
            j.add(String.format("%-16s%8d", "THPeligible:", e.thpEligible() ? 1 : 0));
            j.add("VmFlags: " + e.vmFlags());
        }
        return j.toString();
    }

    @Descriptor("the process's smaps added up, as /proc/PID/smaps_rollup")
    @Example({"smaps_rollup app"})
    public String smaps_rollup(@Descriptor("<proc>") String proc) {
        SmapsEntry e = mm().smapsRollup(proc);
        StringJoiner j = new StringJoiner("\n");
        j.add(header(e, "---p", "[rollup]")); // show_smaps_rollup(): no flags
        smapsLines(j, e, true);
        return j.toString();
    }

    /** show_vma_header_prefix()'s "%08lx-%08lx %s %08llx %02x:%02x %lu ", seq_pad() to 72 columns, a space, the name. */
    private static String header(SmapsEntry e, String perms, String name) {
        return String.format("%-72s %s", String.format("%08x-%08x %s 00000000 00:00 0 ", e.start(), e.end(), perms), name);
    }

    /**
     * __show_smap()'s lines in its order; what thplab cannot have (KSM, LazyFree, shmem, file and
     * hugetlb mappings, mlock) reads 0, as it does for anonymous memory there. The rollup adds the
     * Pss by kind: all of it anonymous.
     */
    private static void smapsLines(StringJoiner j, SmapsEntry e, boolean rollup) {
        j.add(kb("Rss:", e.rssKb()));
        j.add(kb("Pss:", e.pssKb()));
        j.add(kb("Pss_Dirty:", e.pssDirtyKb()));
        if (rollup) {
            j.add(kb("Pss_Anon:", e.pssKb()));
            j.add(kb("Pss_File:", 0));
            j.add(kb("Pss_Shmem:", 0));
        }
        j.add(kb("Shared_Clean:", e.sharedCleanKb()));
        j.add(kb("Shared_Dirty:", e.sharedDirtyKb()));
        j.add(kb("Private_Clean:", e.privateCleanKb()));
        j.add(kb("Private_Dirty:", e.privateDirtyKb()));
        j.add(kb("Referenced:", e.referencedKb()));
        j.add(kb("Anonymous:", e.anonymousKb()));
        j.add(kb("KSM:", 0));
        j.add(kb("LazyFree:", 0));
        j.add(kb("AnonHugePages:", e.anonHugeKb()));
        j.add(kb("ShmemPmdMapped:", 0));
        j.add(kb("FilePmdMapped:", 0));
        j.add(kb("Shared_Hugetlb:", 0));
        j.add(kb("Private_Hugetlb:", 0));
        j.add(kb("Swap:", e.swapKb()));
        j.add(kb("SwapPss:", e.swapPssKb()));
        j.add(kb("Locked:", 0));
    }

    /** A line as SEQ_PUT_DEC() writes it: the label in 16 columns (Private_Hugetlb: fills them), the value in 8. */
    private static String kb(String key, long v) {
        return String.format("%-16s%8d kB", key, v);
    }

    @Descriptor("counters whose names start with <prefix>, as /proc/vmstat")
    @Example({"vmstat thp_fault"})
    public String vmstat(@Descriptor("[<prefix>]") String prefix) {
        String p = prefix == null ? "" : prefix;
        StringJoiner j = new StringJoiner("\n");
        mm().vmstat().forEach((k, v) -> {
            if (k.startsWith(p)) {
                j.add(k + " " + v);
            }
        });
        if (j.length() == 0) {
            throw new IllegalArgumentException("vmstat: no counter starts with '" + p + "'");
        }
        return j.toString();
    }

    @Descriptor("memory totals, as /proc/meminfo")
    @Example({"meminfo"})
    public String meminfo() {
        StringJoiner j = new StringJoiner("\n");
        // meminfo_proc_show(): show_val_kb()'s 16 columns and 8, but HardwareCorrupted's own "%5lu".
        mm().meminfo().forEach((k, v) -> j.add(k.equals("HardwareCorrupted") ? String.format("%s: %5d kB", k, v) : kb(k + ":", v)));
        return j.toString();
    }

    @Descriptor("free blocks per order, as /proc/buddyinfo")
    @Example({"buddyinfo"})
    public String buddyinfo() {
        long[] free = new long[11];
        for (long[] counts : mm().buddyinfo().values()) {
            for (int o = 0; o < free.length; o++) {
                free[o] += counts[o];
            }
        }
        // frag_show_print(): "Node %d, zone %8s ", then "%6lu " per order.
        StringBuilder b = new StringBuilder("Node 0, zone   Normal ");
        for (long c : free) {
            b.append(String.format("%6d ", c));
        }
        return b.toString();
    }

    /** The kernel's migratetype names in its order; thplab has the first two. */
    private static final List<String> MIGRATETYPES = List.of("Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate");

    @Descriptor("free blocks per order and migratetype, and pageblocks per migratetype, as /proc/pagetypeinfo")
    @Example({"pagetypeinfo"})
    public String pagetypeinfo() {
        var free = mm().buddyinfo();
        StringJoiner j = new StringJoiner("\n");
        j.add("Page block order: 9");
        j.add("Pages per block:  512");
        j.add("");
        // pagetypeinfo_showfree(): each list counted up to 100000, then ">100000".
        StringBuilder h = new StringBuilder(String.format("%-43s ", "Free pages count per migrate type at order"));
        for (int o = 0; o <= 10; o++) {
            h.append(String.format("%6d ", o));
        }
        j.add(h.toString());
        for (String type : MIGRATETYPES) {
            long[] counts = free.getOrDefault(type, new long[11]);
            StringBuilder b = new StringBuilder(String.format("Node %4d, zone %8s, type %12s ", 0, "Normal", type));
            for (long c : counts) {
                b.append(c >= 100000 ? ">" + String.format("%6d ", 100000) : String.format("%6d ", c));
            }
            j.add(b.toString());
        }
        j.add("");
        // pagetypeinfo_showblockcount(): the pageblocks of the zone by migratetype.
        long[] blocks = new long[MIGRATETYPES.size()];
        for (byte mt : mm().memoryMap(1).migratetypes()) {
            blocks[mt]++;
        }
        StringBuilder t = new StringBuilder(String.format("%-23s", "Number of blocks type "));
        StringBuilder n = new StringBuilder(String.format("Node %d, zone %8s ", 0, "Normal"));
        for (int mt = 0; mt < MIGRATETYPES.size(); mt++) {
            t.append(String.format("%12s ", MIGRATETYPES.get(mt)));
            n.append(String.format("%12d ", blocks[mt]));
        }
        j.add(t.toString());
        j.add(n.toString());
        return j.toString();
    }

    @Descriptor("the zone's free pages, watermarks (min, low, high as min_free_kbytes and watermark_scale_factor set them)"
            + " and page counts, as the header of /proc/zoneinfo")
    @Example({"zoneinfo"})
    public String zoneinfo() {
        StringJoiner j = new StringJoiner("\n");
        j.add("Node 0, zone   Normal");
        mm().zoneinfo().forEach((k, v) -> {
            if (k.startsWith("nr_")) {
                j.add("        protection: (0, 0, 0, 0, 0)"); // lowmem_reserve: none, one zone
                j.add(String.format("      %s %d", k, v));
            } else {
                j.add(k.equals("pages free") ? String.format("  pages free     %d", v) : String.format("        %-8s %d", k, v));
            }
        });
        return j.toString();
    }

    @Descriptor("compare every page's content with what the process wrote: ok or <n> mismatches")
    @Example({"verify app heap"})
    public String verify(@Descriptor("<proc>") String proc, @Descriptor("<region>") String region) {
        long bad = mm().verify(proc, region);
        return bad == 0 ? "ok" : bad + " mismatches";
    }

    @Descriptor("simulated time and mmap lock hold times; with jvm, the host's heap use per simulated frame (not deterministic)")
    @Example({"stat"})
    public String stat(@Descriptor("[jvm]") String jvm) {
        StringJoiner j = new StringJoiner("\n");
        mm().stat().forEach((k, v) -> j.add(k + " " + v));
        String sim = j.toString();
        if (jvm == null) {
            return sim;
        }
        if (!jvm.equals("jvm")) {
            throw new IllegalArgumentException("stat: expected jvm, not '" + jvm + "'");
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long used = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long frames = mm().meminfo().get("MemTotal") / 4 + 512;
        return sim + String.format("%nheap_used_bytes %d%nheap_bytes_per_frame %.2f (all of the JVM's heap over %d frames)",
                used, used / (double) frames, frames);
    }

    @Descriptor("give the page mapped there an uncorrectable memory error: a collapse copying it fails and rolls back")
    @Example({"poison app heap 4K"})
    public String poison(@Descriptor("<proc>") String proc, @Descriptor("<region>") String region, @Descriptor("<off>") String off) {
        mm().poison(proc, region, Sizes.offset("poison", off));
        return null;
    }

    @Descriptor("check the machine's invariants: frames, refcounts, mapcounts, counters")
    @Example({"check"})
    public String check() {
        List<String> problems = mm().check();
        if (problems.isEmpty()) {
            return "ok";
        }
        StringJoiner j = new StringJoiner("\n");
        j.add(problems.size() + " violations");
        problems.forEach(j::add);
        return j.toString();
    }

    @Descriptor("list policies, select one, or turn a promoter on or off, live")
    @Example({"policy", "policy use cow huge", "policy disable promotion khugepaged"})
    public String policy(@Descriptor("[list | use <kind> <name> | enable [promotion] <name> | disable [promotion] <name>]") String... a) {
        if (a.length == 0 || (a.length == 1 && a[0].equals("list"))) {
            StringJoiner j = new StringJoiner("\n");
            for (PolicyInfo p : policies().policies()) {
                String active = p.active().isEmpty() ? "(fallback: " + p.fallback() + ")" : String.join(", ", p.active());
                j.add(String.format("%-10s %s", p.kind(), active));
                List<String> cands = new ArrayList<>(p.candidates());
                j.add(String.format("%-10s   candidates: %s", "", cands.isEmpty() ? "none" : String.join(", ", cands)));
            }
            return j.toString();
        }
        if (a[0].equals("use") && a.length == 3) {
            policies().usePolicy(a[1], a[2]);
            return null;
        }
        boolean toggle = a[0].equals("enable") || a[0].equals("disable");
        if (toggle && (a.length == 2 || (a.length == 3 && a[1].equals("promotion")))) {
            policies().usePolicy("promotion", (a[0].equals("enable") ? "+" : "-") + a[a.length - 1]);
            return null;
        }
        throw new IllegalArgumentException("policy: usage: " + CommandTable.usage("policy"));
    }

    @Descriptor("record tracepoints, or print and clear what was recorded")
    @Example({"trace on", "trace dump"})
    public String trace(@Descriptor("[on|off|dump]") String what) {
        String w = what == null ? "dump" : what;
        switch (w) {
            case "on": tracing().trace(true); return null;
            case "off": tracing().trace(false); return null;
            case "dump": return String.join("\n", tracing().traceDump());
            default: throw new IllegalArgumentException("trace: expected on, off or dump, not '" + w + "'");
        }
    }

    @Descriptor("the tracepoint groups trace on records: mm (the default), fault (page_fault_user, thplab_thp_fault), all; none prints them")
    @Example({"events mm fault"})
    public String events(@Descriptor("[<group>...]") String... groups) {
        if (groups.length > 0) {
            tracing().traceEvents(new LinkedHashSet<>(Arrays.asList(groups)));
        }
        return String.join(" ", tracing().traceEvents());
    }

    @Descriptor("the kernel log since boot: the OOM killer's reports")
    @Example({"dmesg"})
    public String dmesg() {
        return String.join("\n", mm().dmesg());
    }

    @Descriptor("read or set how the OOM killer weighs a process, as /proc/PID/oom_score_adj (-1000: never)")
    @Example({"oom_score_adj app -500"})
    public String oom_score_adj(@Descriptor("<proc>") String proc, @Descriptor("[<-1000..1000>]") String value) {
        Integer v = value == null ? null
                : Sizes.intValue(value, "oom_score_adj: the value must be a number from -1000 to 1000, not '" + value + "'");
        int now = mm().oomScoreAdj(proc, v);
        return v == null ? Integer.toString(now) : null;
    }

    @Descriptor("the memory lines of /proc/PID/status: VmPeak, VmSize, VmHWM, VmRSS, RssAnon, VmData, VmPTE, VmSwap ... in kB,"
            + " then CoreDumping and THP_enabled")
    @Example({"status app"})
    public String status(@Descriptor("<proc>") String proc) {
        StringJoiner j = new StringJoiner("\n");
        // task_mem(): SEQ_PUT_DEC() is "%8lu" after the tab; the two flags are plain numbers.
        mm().status(proc).forEach((k, v) -> j.add(k.equals("CoreDumping") || k.equals("THP_enabled")
                ? k + ":\t" + v : String.format(Locale.ROOT, "%s:\t%8d kB", k, v)));
        return j.toString();
    }

    @Descriptor("the OOM killer's badness of a process scaled into 0..2000, as /proc/PID/oom_score")
    @Example({"oom_score app"})
    public String oom_score(@Descriptor("<proc>") String proc) {
        return Long.toString(mm().oomScore(proc));
    }

    @Descriptor("boot the current machine afresh and run a workload on it, or start it in the background; alone, list the workloads"
            + " installed and their parameters; --json prints the result as one JSON object")
    @Example({"run", "run rfc-fork size=4G chunk=1G", "run --json sparse-heap heap=64M cycles=2"})
    public String run(@Descriptor("[[--background|--json] <workload> [<param>=<value>...]]") String... a) {
        if (a.length == 0) {
            return workloadList();
        }
        boolean background = false;
        boolean json = false;
        int first = 0;
        for (; first < a.length && a[first].startsWith("--"); first++) {
            switch (a[first]) {
                case "--background" -> background = true;
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("run: unknown option '" + a[first] + "' (--background, --json)");
            }
        }
        if (background && json) {
            throw new IllegalArgumentException("run: --json and --background do not go together: a job's report is text"
                    + " (jobs, stop); run --json in the foreground");
        }
        a = Arrays.copyOfRange(a, first, a.length);
        if (a.length < 1) {
            throw new IllegalArgumentException("run: usage: " + CommandTable.usage("run"));
        }
        List<WorkloadParameter> declared = workloads.parameters(a[0]);
        Map<String, WorkloadParameter.Type> types = new LinkedHashMap<>();
        for (WorkloadParameter p : declared) {
            types.put(p.name(), p.type());
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < a.length; i++) {
            int eq = a[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("run: expected key=value, not '" + a[i] + "'");
            }
            String k = a[i].substring(0, eq);
            String v = a[i].substring(eq + 1);
            if (types.get(k) == WorkloadParameter.Type.SIZE) {
                v = Long.toString(Sizes.bytes("run " + k, v));
            }
            params.put(k, v);
        }
        if (background) {
            return "job " + workloads.runBackground(current, a[0], params) + " started";
        }
        WorkloadResult r;
        ProgressLine line = PROGRESS.get();
        if (line == null) {
            r = workloads.runResult(current, a[0], params, null);
        } else {
            line.begin(a[0]);
            try {
                r = workloads.runResult(current, a[0], params, line);
            } finally {
                line.end();
            }
        }
        return json ? WorkloadJson.json(current, r, declared) : r.report();
    }

    /**
     * The progress line of this thread's foreground runs, or null: only the interactive console
     * on a terminal sets one, on its own thread, so scripts, piped input, Gogo sessions and
     * {@code compare}'s threads never show progress.
     */
    private static final ThreadLocal<ProgressLine> PROGRESS = new ThreadLocal<>();

    /** Shows the progress of the foreground runs of the calling thread on {@code line} (null: no longer). */
    static void showProgress(ProgressLine line) {
        if (line == null) {
            PROGRESS.remove();
        } else {
            PROGRESS.set(line);
        }
    }

    /** Each workload installed with its parameters, their defaults and what they set. */
    private String workloadList() {
        List<String> names = workloads.installed();
        if (names.isEmpty()) {
            return "no workloads installed";
        }
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            b.append(b.length() == 0 ? "" : "\n").append(n);
            for (WorkloadParameter p : workloads.parameters(n)) {
                String dflt = p.type() == WorkloadParameter.Type.SIZE ? Sizes.format(Long.parseLong(p.defaultValue())) : p.defaultValue();
                b.append(String.format("\n  %s=%s  %s", p.name(), dflt, p.description()));
            }
        }
        return b.toString();
    }

    @Descriptor("background workloads: progress, or their report once done")
    @Example({"jobs"})
    public String jobs() {
        List<String> j = workloads.jobs();
        return j.isEmpty() ? "no jobs" : String.join("\n", j);
    }

    @Descriptor("stop a background workload at its next step and print its report")
    @Example({"stop 1"})
    public String stop(@Descriptor("<job>") String job) {
        return workloads.stop(Sizes.intValue(job, "stop: bad job number '" + job + "'"));
    }

    @Descriptor("run the cells of a sweep spec (YAML: policies x sysfs knobs x parameters x seeds), each on a fresh machine,"
            + " several at once; write results.csv and results.json into <dir> (default: <spec-name>-results/ beside the spec)")
    @Example({"sweep scripts/sweeps/small.yaml", "sweep scripts/sweeps/small.yaml small-out"})
    public String sweep(@Descriptor("<spec>") String spec, @Descriptor("[<dir>]") String dir) {
        if (pinnedBy != null) {
            throw new IllegalArgumentException("sweep: not in a script that " + pinnedBy + " runs");
        }
        return new SweepCommand(this, scriptFile, SweepCommand.PLOTS).run(spec, dir, PROGRESS.get());
    }

    @Descriptor("print the words: a label in a transcript")
    @Example({"echo after the fork"})
    public String echo(@Descriptor("<words...>") String... words) {
        return String.join(" ", words);
    }

    @Descriptor("list the mm commands, or show one command's usage, help and examples")
    @Example({"help touch"})
    public String help(@Descriptor("[<command>]") String command) {
        if (command != null && !command.equals("mm")) {
            CommandTable.Command c = CommandTable.get(command);
            if (c == null) {
                throw new IllegalArgumentException("help: no command '" + command + "' (help lists them)");
            }
            StringJoiner j = new StringJoiner("\n");
            j.add(c.usage());
            j.add("    " + c.help());
            if (c.name().equals("exit")) {
                j.add("    exit or quit alone leaves the shell (in a script: ends the run)");
            }
            j.add(c.examples().size() == 1 ? "example:" : "examples:");
            c.examples().forEach(e -> j.add("    " + e));
            return j.toString();
        }
        StringJoiner j = new StringJoiner("\n");
        for (CommandTable.Command c : CommandTable.all()) {
            j.add(String.format("mm:%-10s %s%n    %s", c.name(), c.help(), c.usage()));
        }
        return j.toString();
    }
}
