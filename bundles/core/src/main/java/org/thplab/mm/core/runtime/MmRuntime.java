package org.thplab.mm.core.runtime;

import java.util.List;
import java.util.Map;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MemoryManager;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.core.policy.ActivePolicies;
import org.thplab.mm.core.mm.Machine;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.policy.PolicyKind;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;

/**
 * The MM runtime: owns the machine, serialises every operation on it, and wires the policy
 * services in. Policies that come, go or are selected take effect at the next operation; a kind
 * with no usable policy is served by the machine's built-in fallback, and {@code mm:policy} says
 * so. The THP tunables are the Configuration Admin configuration {@value #TUNABLES_PID}.
 *
 * <p>This class is the DS component and the lock: every operation holds its monitor, and the work
 * is done by {@link PolicyRegistry} (the policies), {@link SelectionStore} (the configurations)
 * and {@link Jobs} (workloads), which have no lock of their own (a job's steps take this one).
 */
@Component(service = MemoryManager.class, immediate = true, configurationPid = MmRuntime.TUNABLES_PID)
@Designate(ocd = TunablesConfig.class)
public class MmRuntime implements MemoryManager {
    public static final String TUNABLES_PID = "org.thplab.mm.tunables";

    private final ThpTunables tunables = new ThpTunables();
    private final PolicyRegistry registry = new PolicyRegistry();
    private final SelectionStore store = new SelectionStore(tunables, registry);
    private final Jobs jobs = new Jobs(this);
    private Machine machine;
    private boolean traceOn;

    @Activate
    @Modified
    synchronized void configure(TunablesConfig c, Map<String, Object> props) {
        store.configure(c, props);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setConfigAdmin(ConfigurationAdmin ca) {
        store.setConfigAdmin(ca);
    }

    void unsetConfigAdmin(ConfigurationAdmin ca) {
        store.unsetConfigAdmin(ca);
    }

    // ----------------------------------------------------------------------------------------
    // Policy services.

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addAllocation(AllocationPolicy p, ServiceReference<AllocationPolicy> ref) {
        registry.add(PolicyKind.ALLOCATION, p, ref);
    }

    synchronized void removeAllocation(AllocationPolicy p, ServiceReference<AllocationPolicy> ref) {
        registry.remove(PolicyKind.ALLOCATION, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addFault(FaultPolicy p, ServiceReference<FaultPolicy> ref) {
        registry.add(PolicyKind.FAULT, p, ref);
    }

    synchronized void removeFault(FaultPolicy p, ServiceReference<FaultPolicy> ref) {
        registry.remove(PolicyKind.FAULT, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addCow(CowPolicy p, ServiceReference<CowPolicy> ref) {
        registry.add(PolicyKind.COW, p, ref);
    }

    synchronized void removeCow(CowPolicy p, ServiceReference<CowPolicy> ref) {
        registry.remove(PolicyKind.COW, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addReclaim(ReclaimPolicy p, ServiceReference<ReclaimPolicy> ref) {
        registry.add(PolicyKind.RECLAIM, p, ref);
    }

    synchronized void removeReclaim(ReclaimPolicy p, ServiceReference<ReclaimPolicy> ref) {
        registry.remove(PolicyKind.RECLAIM, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addPromotion(PromotionPolicy p, ServiceReference<PromotionPolicy> ref) {
        registry.add(PolicyKind.PROMOTION, p, ref);
    }

    synchronized void removePromotion(PromotionPolicy p, ServiceReference<PromotionPolicy> ref) {
        registry.remove(PolicyKind.PROMOTION, ref);
    }

    /**
     * Registers a policy without a service registry, for embedding the runtime in tests and
     * in-process benchmarks. Inside OSGi, policies arrive as services instead.
     */
    public synchronized void register(String kind, String name, Object service) {
        registry.register(PolicyKind.of(kind), name, service);
    }

    /** A selection configuration, delivered by PolicySelectionConfig. */
    synchronized void applySelection(Map<String, Object> props) {
        store.applySelection(props);
    }

    /** Disables the policies the machine reports as failed (PolicyRegistry.disable). */
    void collectFailures() {
        if (machine != null) {
            registry.disable(machine.takeFailures());
        }
    }

    /** The policies for the next operation. */
    ActivePolicies current() {
        return registry.current();
    }

    @Override
    public synchronized List<PolicyInfo> policies() {
        return registry.policies();
    }

    @Override
    public synchronized void usePolicy(String kind, String name) {
        PolicyKind k;
        try {
            k = PolicyKind.of(kind);
        } catch (IllegalArgumentException e) {
            throw new MmUsageException("policy: " + e.getMessage());
        }
        registry.use(k, name, machine);
        store.persistSelection(k);
    }

    // ----------------------------------------------------------------------------------------
    // Operations.

    private Machine m(String cmd) {
        if (machine == null) {
            throw new MmUsageException(cmd + ": no machine yet: boot one first (boot <size>)");
        }
        collectFailures();
        machine.setPolicies(current());
        if (!cmd.equals("touch") && !cmd.equals("tick")) {
            machine.settle(); // it would wait on pending migration entries
        }
        return machine;
    }

    private <T> T op(T result) {
        machine.endOp();
        collectFailures();
        return result;
    }

    @Override
    public synchronized String boot(long bytes, long swapBytes, long seed) {
        Machine nm = newMachine(bytes, swapBytes, seed);
        install(nm);
        return String.format("booted: %d kB memory (%d frames), swap %d kB, seed %d", bytes / 1024, nm.frames(),
                swapBytes / 1024, seed);
    }

    @Override
    public synchronized void spawn(String proc) {
        m("spawn").spawn(proc);
        op(null);
    }

    @Override
    public synchronized void mmap(String proc, String region, long size) {
        m("mmap").mmap(proc, region, size);
        op(null);
    }

    @Override
    public synchronized void munmap(String proc, String region, long off, long len) {
        m("munmap").munmap(proc, region, off, len);
        op(null);
    }

    @Override
    public synchronized SyscallResult madvise(String proc, String region, long off, long len, Advice advice) {
        return op(m("madvise").madvise(proc, region, off, len, advice));
    }

    @Override
    public synchronized SyscallResult touch(String proc, String region, long off, long len, boolean write) {
        return op(m("touch").touch(proc, region, off, len, write));
    }

    @Override
    public synchronized SyscallResult fork(String parent, String child) {
        return op(m("fork").fork(parent, child));
    }

    @Override
    public synchronized void exit(String proc) {
        m("exit").exit(proc);
        op(null);
    }

    @Override
    public synchronized void tick(long nanos) {
        m("tick").tick(nanos);
        op(null);
    }

    @Override
    public synchronized List<SmapsEntry> smaps(String proc, String region) {
        return m("smaps").smaps(proc, region);
    }

    @Override
    public synchronized Map<String, Long> vmstat() {
        return m("vmstat").vmstat();
    }

    @Override
    public synchronized Map<String, Long> meminfo() {
        return m("meminfo").meminfo();
    }

    @Override
    public synchronized Map<String, long[]> buddyinfo() {
        return m("buddyinfo").buddyinfo();
    }

    @Override
    public synchronized long verify(String proc, String region) {
        return m("verify").verify(proc, region);
    }

    @Override
    public synchronized List<String> check() {
        return m("check").check();
    }

    @Override
    public Tunables tunables() {
        return tunables;
    }

    @Override
    public synchronized void sysfs(String knob, String value) {
        tunables.set(knob, value);
        store.persistTunables();
        if (machine != null) {
            machine.setPolicies(current());
            machine.tunablesChanged();
        }
    }

    @Override
    public synchronized Map<String, Long> stat() {
        return m("stat").stat();
    }

    @Override
    public synchronized void poison(String proc, String region, long off) {
        m("poison").poison(proc, region, off);
        op(null);
    }

    @Override
    public synchronized String run(String workload, Map<String, String> params) {
        return jobs.run(workload, params);
    }

    @Override
    public synchronized int runBackground(String workload, Map<String, String> params) {
        return jobs.runBackground(workload, params);
    }

    @Override
    public synchronized List<String> jobs() {
        return jobs.list();
    }

    @Override
    public String stop(int id) {
        return jobs.stop(id); // not synchronized: it waits for the job, which needs the monitor
    }

    @Override
    public synchronized void trace(boolean on) {
        traceOn = on;
        if (machine != null) {
            machine.tracer().enable(on);
        }
    }

    @Override
    public synchronized List<String> traceDump() {
        return machine == null ? List.of() : machine.tracer().dump();
    }

    @Override
    public synchronized int oomScoreAdj(String proc, Integer value) {
        return m("oom_score_adj").oomScoreAdj(proc, value);
    }

    @Override
    public synchronized long oomScore(String proc) {
        return m("oom_score").oomScore(proc);
    }

    @Override
    public synchronized List<String> dmesg() {
        return machine == null ? List.of() : machine.dmesg();
    }

    @Override
    public synchronized long now() {
        return machine == null ? 0 : machine.now();
    }

    @Override
    public synchronized List<String> processes() {
        return machine == null ? List.of() : machine.processes();
    }

    /** The machine commands run on, or null before the first boot (also for tests). */
    synchronized Machine machine() {
        return machine;
    }

    /** A new machine with the runtime's tunables; it serves commands once installed. */
    Machine newMachine(long bytes, long swapBytes, long seed) {
        return new Machine(bytes, swapBytes, seed, tunables);
    }

    /** Makes nm the machine that commands (and a job's check for it) see; the caller holds the monitor. */
    void install(Machine nm) {
        machine = nm;
        nm.tracer().enable(traceOn);
    }
}
