package org.thplab.mm.core.runtime;

import java.util.List;
import java.util.Map;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.BootParameters;
import org.thplab.mm.api.LatencyHistogram;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.MmuSettings;
import org.thplab.mm.api.OomReport;
import org.thplab.mm.api.PerfStat;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.Recording;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.Tracing;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.mm.Machine;
import org.thplab.mm.core.policy.ActivePolicies;
import org.thplab.mm.core.policy.PolicyKind;
import org.thplab.mm.core.mm.Recorder;
import org.thplab.mm.core.runtime.PolicyRegistry.Registered;

/**
 * One named machine of the runtime: its tunables, policy selection and trace setting, which stay
 * when it is booted again, and the booted {@link Machine} (clock, seed, memory, processes).
 * Every operation holds the machine's own lock, so operations on one machine are serialised and
 * two machines run on two threads at once; before each operation the machine takes the policies
 * the registry and its selection give now, so a policy that comes, goes or is selected meanwhile
 * takes effect between two operations.
 *
 * <p>Locks: a machine's lock is taken before the registry's monitor, never after it; the
 * runtime's list of machines is never held while a machine's lock is taken.
 */
final class NamedMachine extends MachineReports implements SimulatedMachine {
    private final String name;
    final PolicyRegistry registry;
    private final ThpTunables tunables;
    final Selection selection;
    final Persistence persistence;
    /** Guards everything below, the tunables and the selection. */
    final Object lock = new Object();
    /** The booted machine, or null before the first boot. */
    Machine machine;
    private BootParameters booted;
    /** The fault latencies recorded since recordFaultLatency(), or null. */
    private LatencyHistogram latency;
    /** The recording that runs on the booted machine, else the last one that ended, or null. */
    private Recorder recorder;
    /** Run once before the booted machine is replaced or removed (the background jobs on it). */
    private final List<Runnable> beforeBoot = new java.util.ArrayList<>();
    private final MachineTracing tracing = new MachineTracing(this);
    final MachinePolicies policies = new MachinePolicies(this);
    final Watchers watchers = new Watchers(lock);
    private boolean removed;

    NamedMachine(String name, PolicyRegistry registry, ThpTunables tunables, Selection selection, Persistence persistence) {
        this.name = name;
        this.registry = registry;
        this.tunables = tunables;
        this.selection = selection;
        this.persistence = persistence;
    }

    /** A new machine named name that starts with a copy of this one's tunables and selection. */
    NamedMachine copy(String newName) {
        synchronized (lock) {
            return new NamedMachine(newName, registry, tunables.copyWritable(), selection.copy(" on machine " + newName),
                    Persistence.NONE);
        }
    }

    // ----------------------------------------------------------------------------------------
    // SimulatedMachine.

    @Override
    public String name() {
        return name;
    }

    @Override
    public MachineOps ops() {
        return this;
    }

    @Override
    public PolicyAdmin policyAdmin() {
        return policies;
    }

    @Override
    public Tracing tracing() {
        return tracing;
    }

    @Override
    public Watch watch(long intervalMillis, Runnable watcher) {
        return watchers.add(intervalMillis, watcher);
    }

    @Override
    public String toString() {
        return "machine " + name;
    }

    // ----------------------------------------------------------------------------------------
    // For the runtime and its jobs; the caller holds the lock.

    /** The booted machine, or null (before the first boot, or once removed). */
    Machine core() {
        return machine;
    }

    /** The policies for the next operation. */
    ActivePolicies current() {
        return registry.current(selection);
    }

    /** Disables the policies the machine reports as failed (on this machine). */
    void collectFailures() {
        if (machine != null) {
            selection.disable(machine.takeFailures(), registry);
        }
    }

    /** Runs hook once, holding the lock, before the booted machine is replaced or removed; the caller holds the lock. */
    void beforeBoot(Runnable hook) {
        beforeBoot.add(hook);
    }

    private void ended() {
        List<Runnable> hooks = List.copyOf(beforeBoot);
        beforeBoot.clear();
        hooks.forEach(Runnable::run);
    }

    /** The runtime forgets this machine: what runs on it ends at its next step. */
    void removed() {
        synchronized (lock) {
            ended();
            removed = true;
            machine = null;
        }
    }

    // ----------------------------------------------------------------------------------------
    // Operations.

    private Machine m(String cmd) {
        if (machine == null) {
            throw new MmUsageException(cmd + (removed ? ": machine '" + name + "' was removed"
                    : ": no machine yet: boot one first (boot <size>)"));
        }
        collectFailures();
        machine.setPolicies(current());
        if (!cmd.equals("touch") && !cmd.equals("access") && !cmd.equals("tick")) {
            machine.settle(); // it would wait on pending migration entries
        }
        return machine;
    }

    /** A report, read under the lock. */
    @Override
    <T> T read(String cmd, java.util.function.Function<Machine, T> report) {
        synchronized (lock) {
            return report.apply(m(cmd));
        }
    }

    /** An operation with a result, under the lock. */
    private <T> T call(String cmd, java.util.function.Function<Machine, T> operation) {
        synchronized (lock) {
            return op(operation.apply(m(cmd)));
        }
    }

    /** An operation without a result, under the lock. */
    private void act(String cmd, java.util.function.Consumer<Machine> operation) {
        synchronized (lock) {
            operation.accept(m(cmd));
            op(null);
        }
    }

    /** A reading that has a value before the first boot too. */
    @Override
    <T> T peek(T unbooted, java.util.function.Function<Machine, T> reading) {
        synchronized (lock) {
            return machine == null ? unbooted : reading.apply(machine);
        }
    }

    private <T> T op(T result) {
        machine.endOp();
        collectFailures();
        return result;
    }

    @Override
    public String boot(long bytes, long swapBytes, long seed) {
        synchronized (lock) {
            if (removed) {
                throw new MmUsageException("boot: machine '" + name + "' was removed");
            }
            if (bytes >= 16L << 20 && bytes <= 4L << 40 && swapBytes >= 0) {
                HeapBudget.check(bytes, swapBytes); // sizes the machine refuses are its to name
            }
            Machine nm = new Machine(bytes, swapBytes, seed, tunables); // with this machine's tunables
            ended();
            machine = nm;
            if (recorder != null && recorder.running()) {
                // A workload's run boots its machine: the recording goes on with the new one.
                nm.record(name, 0, List.of(), recorder);
            }
            booted = new BootParameters(bytes, swapBytes, seed);
            latency = null;
            tracing.applyTo(nm.tracer());
            return String.format("booted: %d kB memory (%d frames), swap %d kB, seed %d", bytes / 1024, nm.maps().frames(),
                    swapBytes / 1024, seed);
        }
    }

    @Override
    public BootParameters bootParameters() {
        synchronized (lock) {
            return booted;
        }
    }

    @Override
    public void spawn(String proc) {
        act("spawn", m -> m.spawn(proc));
    }

    @Override
    public void clone(String proc, String thread) {
        act("clone", m -> m.clone(proc, thread));
    }

    @Override
    public SyscallResult tryMmap(String proc, String region, long size) {
        return call("mmap", m -> m.mmap(proc, region, size));
    }

    @Override
    public void munmap(String proc, String region, long off, long len) {
        act("munmap", m -> m.munmap(proc, region, off, len));
    }

    @Override
    public SyscallResult madvise(String proc, String region, long off, long len, Advice advice) {
        return call("madvise", m -> m.madvise(proc, region, off, len, advice));
    }

    @Override
    public SyscallResult touch(String proc, String region, long off, long len, boolean write) {
        return call("touch", m -> m.touch(proc, region, off, len, write));
    }

    @Override
    public SyscallResult access(String proc, String region, AccessPattern pattern, long count, boolean write) {
        return call("access", m -> m.access(proc, region, pattern, count, write));
    }

    @Override
    public MmuSettings mmu() {
        return tunables.mmu;
    }

    @Override
    public void mmu(MmuSettings settings) {
        synchronized (lock) {
            tunables.mmu = java.util.Objects.requireNonNull(settings, "mmu settings");
            if (machine != null) {
                machine.mmuChanged();
            }
        }
    }

    @Override
    public SyscallResult fork(String parent, String child) {
        return call("fork", m -> m.fork(parent, child));
    }

    @Override
    public void exit(String proc) {
        act("exit", m -> m.exit(proc));
    }

    @Override
    public void tick(long nanos) {
        act("tick", m -> m.tick(nanos));
    }

    @Override
    public void poison(String proc, String region, long off) {
        act("poison", m -> m.poison(proc, region, off));
    }

    @Override
    public int oomScoreAdj(String proc, Integer value) {
        return read("oom_score_adj", m -> m.oomScoreAdj(proc, value));
    }

    @Override
    public void recordFaultLatency() {
        synchronized (lock) {
            latency = m("recordFaultLatency").recordLatency();
        }
    }

    @Override
    public void recordStart(long intervalNanos, List<String> counterPrefixes) {
        synchronized (lock) {
            Machine mc = m("record");
            if (recorder != null && recorder.running()) {
                throw new MmUsageException("record: a recording runs already on machine '" + name + "' (record stop ends it)");
            }
            if (intervalNanos < 1000) {
                throw new MmUsageException("record: the interval must be at least 1us of simulated time, not " + intervalNanos + " ns");
            }
            for (String p : counterPrefixes) {
                if (p == null || p.isEmpty()) {
                    throw new MmUsageException("record: an empty counter prefix (counters=<prefix>,<prefix>...)");
                }
            }
            recorder = mc.record(name, intervalNanos, counterPrefixes, null);
            latency = null; // the recording's, while it runs
        }
    }

    @Override
    public Recording recordStop() {
        synchronized (lock) {
            if (recorder == null || !recorder.running()) {
                throw new MmUsageException("record: no recording runs on machine '" + name + "' (record start begins one)");
            }
            recorder.stop();
            latency = recorder.latency();
            return recorder.recording();
        }
    }

    @Override
    public Recording recording() {
        synchronized (lock) {
            return recorder == null ? null : recorder.recording();
        }
    }

    @Override
    public LatencyHistogram faultLatency() {
        synchronized (lock) {
            if (recorder != null && recorder.running()) {
                return recorder.latency();
            }
            return latency == null ? null : latency.copy();
        }
    }

    @Override
    public Tunables tunables() {
        return tunables;
    }

    @Override
    public Map<String, String> sysctl() {
        synchronized (lock) {
            return tunables.sysctl.all();
        }
    }

    @Override
    public void sysctl(String name, String value) {
        synchronized (lock) {
            tunables.sysctl.set(name, value); // the overcommit knobs are read at the next check
            if (machine != null) {
                machine.sysctlWritten(name);
            }
        }
    }

    @Override
    public void sysfs(String knob, String value) {
        synchronized (lock) {
            tunables.set(knob, value);
            persistence.tunablesChanged();
            if (machine != null) {
                machine.setPolicies(current());
                machine.tunablesChanged(knob);
            }
        }
    }
}
