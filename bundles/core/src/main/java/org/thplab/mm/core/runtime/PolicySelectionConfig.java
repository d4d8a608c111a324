package org.thplab.mm.core.runtime;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.core.policy.PolicyKind;

/**
 * The default machine's policy selection as Configuration Admin configurations, one PID per kind
 * ({@code org.thplab.mm.policy.<kind>}), so that {@code config:} commands, a {@code .cfg} file in
 * {@code deploy/} and {@code mm:policy} agree. Each PID holds one property named after its kind;
 * {@code mm:policy} writes them back. The runtime does the work; this component only delivers
 * the configurations.
 *
 * <p>One {@link ManagedService} per PID rather than a component with five configuration PIDs:
 * Configuration Admin calls each in order with the configuration as it is, also when a PID is
 * deleted and written again at once. SCR's merged multi-PID configuration lost such a write now
 * and then (a deleted-then-recreated PID's update was never delivered) and missed configurations
 * FileInstall created while the framework started.
 */
@Component(immediate = true)
public class PolicySelectionConfig {
    /** For the OCDs below, which can only name their PIDs with constants. */
    public static final String PID_PREFIX = PolicyKind.PID_PREFIX;

    private final List<ServiceRegistration<ManagedService>> registrations = new ArrayList<>();

    @Activate
    public PolicySelectionConfig(@Reference MachineFactory machines, BundleContext context) {
        MmRuntime runtime = (MmRuntime) machines;
        for (PolicyKind kind : PolicyKind.values()) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(Constants.SERVICE_PID, kind.pid());
            // A deleted configuration (null) forgets the stored choice but keeps the current
            // selection; only a written value selects.
            ManagedService ms = d -> {
                if (d != null) {
                    Map<String, Object> m = new HashMap<>();
                    for (var keys = d.keys(); keys.hasMoreElements(); ) {
                        String k = keys.nextElement();
                        m.put(k, d.get(k));
                    }
                    runtime.applySelection(m);
                }
            };
            registrations.add(context.registerService(ManagedService.class, ms, props));
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<ManagedService> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping this bundle
            }
        }
        registrations.clear();
    }

    // One OCD per PolicyKind. Metatype is generated at build time from annotations, which take
    // only constants, so each repeats its kind's PID, property and default;
    // PolicySelectionConfigTest checks that they agree with PolicyKind.

    @ObjectClassDefinition(pid = PID_PREFIX + "allocation", name = "thplab allocation policy",
            description = "Which allocation policy serves page allocations")
    @interface Allocation {
        @AttributeDefinition(description = "policy.name of the allocation policy (mm:policy lists the candidates)")
        String allocation() default "buddy";
    }

    @ObjectClassDefinition(pid = PID_PREFIX + "fault", name = "thplab fault policy",
            description = "Which fault policy decides what an anonymous fault on an empty PMD maps")
    @interface Fault {
        @AttributeDefinition(description = "policy.name of the fault policy: mthp (Linux's, multi-size THP included), thp (PMD-sized only), base, reservation or a third-party one")
        String fault() default "mthp";
    }

    @ObjectClassDefinition(pid = PID_PREFIX + "promotion", name = "thplab promoters",
            description = "Which promotion policies are enabled; every other promoter is disabled")
    @interface Promotion {
        @AttributeDefinition(description = "policy.name of each enabled promoter")
        String[] promotion() default {"khugepaged", "madv-collapse", "reservation"};
    }

    @ObjectClassDefinition(pid = PID_PREFIX + "reclaim", name = "thplab reclaim policy",
            description = "Which reclaim policy gives THP-related memory back under pressure")
    @interface Reclaim {
        @AttributeDefinition(description = "policy.name of the reclaim policy: lru-shrinker, drop-all, underused or a third-party one")
        String reclaim() default "lru-shrinker";
    }

    @ObjectClassDefinition(pid = PID_PREFIX + "cow", name = "thplab CoW policy",
            description = "Which CoW policy handles a write to a shared huge page")
    @interface Cow {
        @AttributeDefinition(description = "policy.name of the CoW policy: pte, huge, adaptive or a third-party one")
        String cow() default "pte";
    }
}
