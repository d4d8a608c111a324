package org.thplab.mm.core.runtime;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.EnumMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MemoryManager;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.core.machine.ActivePolicies;
import org.thplab.mm.core.machine.Machine;
import org.thplab.mm.core.machine.ThpTunables;
import org.thplab.mm.core.policy.PolicyKind;
import org.thplab.mm.spi.AllocationPolicy;
import org.thplab.mm.spi.CowPolicy;
import org.thplab.mm.spi.FaultPolicy;
import org.thplab.mm.spi.PromotionPolicy;
import org.thplab.mm.spi.ReclaimPolicy;

/**
 * The MM runtime: owns the machine, serialises every operation on it, and wires the policy
 * services in. Policies that come, go or are selected take effect at the next operation; a kind
 * with no usable policy is served by the machine's built-in fallback, and {@code mm:policy} says
 * so. The THP tunables are the Configuration Admin configuration {@value #TUNABLES_PID}.
 */
@Component(service = MemoryManager.class, immediate = true, configurationPid = MmRuntime.TUNABLES_PID)
@Designate(ocd = TunablesConfig.class)
public class MmRuntime implements MemoryManager {
    public static final String TUNABLES_PID = "org.thplab.mm.tunables";
    /** Marks configurations this runtime wrote itself, so a late echo of an older write is ignored. */
    static final String SEQ = "thplab.seq";
    private static final Logger LOG = LoggerFactory.getLogger(MmRuntime.class);

    private final ThpTunables tunables = new ThpTunables();
    private final PolicyRegistry registry = new PolicyRegistry();
    /** The sequence number of our last write of each kind's configuration. */
    private final Map<PolicyKind, Long> written = new EnumMap<>(PolicyKind.class);
    private Machine machine;
    private final Jobs jobs = new Jobs(this);
    private boolean traceOn;
    private long seq;
    private long policySeq;
    private volatile ConfigurationAdmin configAdmin;

    @Activate
    @Modified
    synchronized void configure(TunablesConfig c, Map<String, Object> props) {
        Object s = props.get(SEQ);
        if (s instanceof Number n && n.longValue() < seq) {
            return; // an echo of an older write of ours
        }
        String[][] values = {
            {"enabled", c.enabled()}, {"defrag", c.defrag()},
            {"use_zero_page", Integer.toString(c.use__zero__page())},
            {"promotion_threshold", Integer.toString(c.promotion__threshold())},
            {"khugepaged/defrag", Integer.toString(c.khugepaged_defrag())},
            {"khugepaged/max_ptes_none", Integer.toString(c.khugepaged_max__ptes__none())},
            {"khugepaged/max_ptes_swap", Integer.toString(c.khugepaged_max__ptes__swap())},
            {"khugepaged/max_ptes_shared", Integer.toString(c.khugepaged_max__ptes__shared())},
            {"khugepaged/pages_to_scan", Long.toString(c.khugepaged_pages__to__scan())},
            {"khugepaged/scan_sleep_millisecs", Long.toString(c.khugepaged_scan__sleep__millisecs())},
            {"khugepaged/alloc_sleep_millisecs", Long.toString(c.khugepaged_alloc__sleep__millisecs())},
        };
        for (String[] kv : values) {
            try {
                tunables.set(kv[0], kv[1]);
            } catch (MmUsageException e) {
                LOG.warn("configuration {}: {}", TUNABLES_PID, e.getMessage());
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setConfigAdmin(ConfigurationAdmin ca) {
        this.configAdmin = ca;
    }

    void unsetConfigAdmin(ConfigurationAdmin ca) {
        if (this.configAdmin == ca) {
            this.configAdmin = null;
        }
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

    // ----------------------------------------------------------------------------------------
    // The selection as configurations (PolicySelectionConfig): one PID per kind, written back by
    // mm:policy. Each write carries "<kind>.seq"; a configuration older than our last write of
    // that kind is an echo and is ignored, so a late echo cannot undo a newer mm:policy.

    synchronized void applySelection(Map<String, Object> props) {
        for (PolicyKind kind : PolicyKind.values()) {
            Object v = props.get(kind.id());
            if (v == null) {
                continue;
            }
            Object s = props.get(kind.id() + ".seq");
            Long last = written.get(kind);
            if (s instanceof Number n && last != null && n.longValue() < last) {
                continue;
            }
            if (!kind.single()) {
                registry.configureEnabled(kind, new TreeSet<>(names(v)));
            } else {
                String name = String.valueOf(v).trim();
                if (!name.isEmpty()) {
                    registry.configureSelected(kind, name);
                }
            }
        }
    }

    private static List<String> names(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String[] a) {
            for (String x : a) {
                out.addAll(names(x));
            }
        } else if (v instanceof java.util.Collection<?> c) {
            for (Object x : c) {
                out.addAll(names(x));
            }
        } else {
            for (String x : String.valueOf(v).split(",")) {
                if (!x.isBlank()) {
                    out.add(x.trim());
                }
            }
        }
        return out;
    }

    /** Writes the selection of a kind to its configuration. */
    private void persistSelection(PolicyKind kind) {
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            return;
        }
        Object value = registry.selection(kind);
        try {
            Configuration c = ca.getConfiguration(kind.pid(), "?");
            Dictionary<String, Object> d = new Hashtable<>();
            d.put(kind.id(), value);
            long n = ++policySeq;
            d.put(kind.id() + ".seq", n);
            written.put(kind, n);
            c.update(d);
        } catch (java.io.IOException e) {
            LOG.warn("cannot persist the {} policy selection: {}", kind.id(), e.toString());
        }
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
        persistSelection(k);
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
        persist();
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

    /** Writes the tunables to Configuration Admin, so config: commands and a restart see them. */
    private void persist() {
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            return;
        }
        try {
            Configuration c = ca.getConfiguration(TUNABLES_PID, "?");
            Dictionary<String, Object> d = new Hashtable<>();
            tunables.all().forEach((k, v) -> {
                if (!ThpTunables.readOnly(k)) {
                    d.put(property(k), value(v));
                }
            });
            d.put(SEQ, ++seq);
            c.updateIfDifferent(d);
        } catch (java.io.IOException e) {
            LOG.warn("cannot persist tunables: {}", e.toString());
        }
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

    /** @return the configuration property of a sysfs knob path */
    private static String property(String knob) {
        return knob.replace('/', '.');
    }

    /** @return the configuration value of a knob as sysfs shows it (the selected word of a choice) */
    private static Object value(String shown) {
        int open = shown.indexOf('[');
        if (open >= 0) {
            return shown.substring(open + 1, shown.indexOf(']'));
        }
        try {
            return Long.valueOf(shown);
        } catch (NumberFormatException e) {
            return shown;
        }
    }
}
