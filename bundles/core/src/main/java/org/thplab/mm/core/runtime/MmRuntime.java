package org.thplab.mm.core.runtime;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.api.Tracing;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.api.WorkloadProgress;
import org.thplab.mm.api.WorkloadResult;
import org.thplab.mm.api.Workloads;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.policy.PolicyKind;
import org.thplab.mm.spi.alloc.AllocationPolicy;
import org.thplab.mm.spi.cow.CowPolicy;
import org.thplab.mm.spi.fault.FaultPolicy;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.reclaim.ReclaimPolicy;
import org.thplab.mm.spi.workload.Workload;
import org.thplab.mm.spi.workload.WorkloadName;

/**
 * The MM runtime: the machines, by name, and the policy services they share. It is the DS
 * component that provides {@link MachineFactory} and {@link Workloads}, and registers the default
 * machine's {@link MachineOps}, {@link PolicyAdmin} and {@link Tracing} as services of their own.
 * Each machine ({@link NamedMachine}) has its own lock, clock, seed, tunables, policy selection
 * and trace buffer: operations on one machine are serialised, two machines run on two threads at
 * once. Policies that come, go or are selected take effect at a machine's next operation; a kind
 * with no usable policy is served by the machine's built-in fallback, and {@code mm:policy} says
 * so. Configuration Admin configures the default machine: its THP tunables are the configuration
 * {@value #TUNABLES_PID}, its selection {@code org.thplab.mm.policy.<kind>}; a machine made by
 * name starts from a copy of the default machine's.
 *
 * <p>The work is done by {@link PolicyRegistry} (the policy services), {@link Selection} (one
 * machine's choice among them), {@link SelectionStore} (the configurations) and {@link Jobs}
 * (workloads). Locks, outermost first: a machine's, then the registry's; the list of machines
 * and the list of jobs are each held alone.
 */
@Component(service = {MachineFactory.class, Workloads.class}, immediate = true, configurationPid = MmRuntime.TUNABLES_PID)
@Designate(ocd = TunablesConfig.class)
@Capability(namespace = "osgi.service", uses = MachineOps.class,
        attribute = "objectClass:List<String>=\"org.thplab.mm.api.MachineOps,org.thplab.mm.api.PolicyAdmin,org.thplab.mm.api.Tracing\"")
public class MmRuntime implements MachineFactory, Workloads {
    public static final String TUNABLES_PID = "org.thplab.mm.tunables";
    /** The service property that names the machine of a registered {@link MachineOps}, {@link PolicyAdmin} or {@link Tracing}. */
    public static final String MACHINE_PROPERTY = "thplab.machine";
    private static final Logger LOG = LoggerFactory.getLogger(MmRuntime.class);

    private final PolicyRegistry registry = new PolicyRegistry();
    private final NamedMachine defaultMachine;
    private final SelectionStore store;
    /** By name, in creation order; guarded by itself, never held while a machine's lock is taken. */
    private final Map<String, NamedMachine> machines = new LinkedHashMap<>();
    private final Jobs jobs = new Jobs();
    private final List<ServiceRegistration<?>> defaultServices = new ArrayList<>();

    public MmRuntime() {
        ThpTunables tunables = new ThpTunables();
        Selection selection = new Selection("");
        store = new SelectionStore(tunables, selection, registry);
        defaultMachine = new NamedMachine(DEFAULT, registry, tunables, selection, store);
        machines.put(DEFAULT, defaultMachine);
    }

    @Activate
    void activate(BundleContext context, TunablesConfig c, Map<String, Object> props) {
        configure(c, props);
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(MACHINE_PROPERTY, DEFAULT);
        defaultServices.add(context.registerService(MachineOps.class, defaultMachine, p));
        defaultServices.add(context.registerService(PolicyAdmin.class, defaultMachine.policyAdmin(), p));
        defaultServices.add(context.registerService(Tracing.class, defaultMachine.tracing(), p));
    }

    @Modified
    void configure(TunablesConfig c, Map<String, Object> props) {
        synchronized (defaultMachine.lock) {
            store.configure(c, props);
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : defaultServices) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // the framework has unregistered it already (the bundle is stopping)
            }
        }
        defaultServices.clear();
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
    void addAllocation(AllocationPolicy p, ServiceReference<AllocationPolicy> ref) {
        registry.add(PolicyKind.ALLOCATION, p, ref);
    }

    void removeAllocation(AllocationPolicy p, ServiceReference<AllocationPolicy> ref) {
        removed(PolicyKind.ALLOCATION, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addFault(FaultPolicy p, ServiceReference<FaultPolicy> ref) {
        registry.add(PolicyKind.FAULT, p, ref);
    }

    void removeFault(FaultPolicy p, ServiceReference<FaultPolicy> ref) {
        removed(PolicyKind.FAULT, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addCow(CowPolicy p, ServiceReference<CowPolicy> ref) {
        registry.add(PolicyKind.COW, p, ref);
    }

    void removeCow(CowPolicy p, ServiceReference<CowPolicy> ref) {
        removed(PolicyKind.COW, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addReclaim(ReclaimPolicy p, ServiceReference<ReclaimPolicy> ref) {
        registry.add(PolicyKind.RECLAIM, p, ref);
    }

    void removeReclaim(ReclaimPolicy p, ServiceReference<ReclaimPolicy> ref) {
        removed(PolicyKind.RECLAIM, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addPromotion(PromotionPolicy p, ServiceReference<PromotionPolicy> ref) {
        registry.add(PolicyKind.PROMOTION, p, ref);
    }

    void removePromotion(PromotionPolicy p, ServiceReference<PromotionPolicy> ref) {
        removed(PolicyKind.PROMOTION, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addWorkload(Workload w, ServiceReference<Workload> ref) {
        Object name = ref.getProperty(WorkloadName.PROPERTY);
        if (!(name instanceof String n) || n.isEmpty()) {
            LOG.warn("workload service {} of {} has no {} property: ignored", w, ref.getBundle().getSymbolicName(), WorkloadName.PROPERTY);
            return;
        }
        jobs.add(n, w);
        LOG.info("workload '{}' registered by {} {}", n, ref.getBundle().getSymbolicName(), ref.getBundle().getVersion());
    }

    void removeWorkload(Workload w, ServiceReference<Workload> ref) {
        if (ref.getProperty(WorkloadName.PROPERTY) instanceof String n) {
            jobs.remove(n, w);
        }
    }

    /** Registers a workload without a service registry, as {@link #register} does a policy. */
    public void registerWorkload(String name, Workload w) {
        jobs.add(name, w);
    }

    /**
     * Registers a policy without a service registry, for embedding the runtime in tests and
     * in-process benchmarks. Inside OSGi, policies arrive as services instead.
     */
    public void register(String kind, String name, Object service) {
        registry.register(PolicyKind.of(kind), name, service);
    }

    /**
     * A policy service left: no machine's next operation uses it, and once this returns no
     * operation in progress does either (each machine's lock is taken in turn).
     */
    private void removed(PolicyKind kind, ServiceReference<?> ref) {
        PolicyRegistry.Registered gone = registry.remove(kind, ref);
        if (gone == null) {
            return;
        }
        List<String> fallback = new ArrayList<>();
        for (NamedMachine nm : all()) {
            if (nm.policies.serviceGone(kind, gone)) {
                fallback.add(nm.name());
            }
        }
        String on = fallback.equals(List.of(DEFAULT)) ? "" : " on " + String.join(", ", fallback);
        LOG.info("{} policy '{}' ({} {}) unregistered{}", kind.id(), gone.name(), gone.bundle(), gone.version(),
                fallback.isEmpty() ? "" : "; " + kind.id() + " now served by the fallback" + on + ": " + kind.fallback());
    }

    /** A selection configuration, delivered by PolicySelectionConfig: it selects for the default machine. */
    void applySelection(Map<String, Object> props) {
        synchronized (defaultMachine.lock) {
            store.applySelection(props);
        }
    }

    @Override
    public List<String> checkConfiguration(String pid, Map<String, ?> properties) {
        synchronized (defaultMachine.lock) {
            if (pid.equals(TUNABLES_PID)) {
                return ConfigCheck.tunables(properties, store.tunables(), true);
            }
            for (PolicyKind kind : PolicyKind.values()) {
                if (pid.equals(kind.pid())) {
                    return ConfigCheck.selection(kind, properties, registry, true);
                }
            }
            return List.of();
        }
    }

    // ----------------------------------------------------------------------------------------
    // MachineFactory.

    private List<NamedMachine> all() {
        synchronized (machines) {
            return new ArrayList<>(machines.values());
        }
    }

    @Override
    public SimulatedMachine create(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new MmUsageException("bad machine name '" + name + "' (letters, digits, _ . -)");
        }
        NamedMachine nm = defaultMachine.copy(name); // outside the list's monitor: it takes the default's lock
        synchronized (machines) {
            if (machines.containsKey(name)) {
                throw new MmUsageException("machine '" + name + "' exists");
            }
            machines.put(name, nm);
        }
        return nm;
    }

    @Override
    public SimulatedMachine machine(String name) {
        synchronized (machines) {
            return machines.get(name);
        }
    }

    @Override
    public List<String> names() {
        synchronized (machines) {
            return new ArrayList<>(machines.keySet());
        }
    }

    @Override
    public void remove(String name) {
        NamedMachine nm;
        synchronized (machines) {
            if (DEFAULT.equals(name)) {
                throw new MmUsageException("the default machine cannot be removed");
            }
            nm = machines.remove(name);
        }
        if (nm == null) {
            throw new MmUsageException("no machine '" + name + "'");
        }
        nm.removed();
    }

    private NamedMachine named(String cmd, String name) {
        NamedMachine nm = (NamedMachine) machine(name);
        if (nm == null) {
            throw new MmUsageException(cmd + ": no machine '" + name + "'");
        }
        return nm;
    }

    // ----------------------------------------------------------------------------------------
    // Workloads.

    @Override
    public List<String> installed() {
        return jobs.names();
    }

    @Override
    public List<WorkloadParameter> parameters(String workload) {
        return jobs.parameters(workload);
    }

    @Override
    public String run(String machine, String workload, Map<String, String> params) {
        return runResult(machine, workload, params, null).report();
    }

    @Override
    public WorkloadResult runResult(String machine, String workload, Map<String, String> params) {
        return runResult(machine, workload, params, null);
    }

    @Override
    public WorkloadResult runResult(String machine, String workload, Map<String, String> params, WorkloadProgress progress) {
        return jobs.run(named("run", machine), workload, params, progress);
    }

    @Override
    public int runBackground(String machine, String workload, Map<String, String> params) {
        return jobs.runBackground(named("run", machine), workload, params);
    }

    @Override
    public List<String> jobs() {
        return jobs.list();
    }

    @Override
    public String stop(int id) {
        return jobs.stop(id);
    }

    /** The booted core machine of a machine, or null (for tests in this package and beside it). */
    org.thplab.mm.core.mm.Machine core(String name) {
        NamedMachine nm = named("core", name);
        synchronized (nm.lock) {
            return nm.core();
        }
    }
}
