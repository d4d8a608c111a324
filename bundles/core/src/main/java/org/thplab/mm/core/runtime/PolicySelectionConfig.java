package org.thplab.mm.core.runtime;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.thplab.mm.api.MemoryManager;

/**
 * The policy selection as Configuration Admin configurations, one PID per kind
 * ({@code org.thplab.mm.policy.<kind>}), so that {@code config:} commands, a {@code .cfg} file in
 * {@code deploy/} and {@code mm:policy} agree. Each PID holds one property named after its kind
 * (so the merged properties this component receives do not collide); {@code mm:policy} writes
 * them back. The runtime does the work; this component only delivers the configurations.
 */
@Component(configurationPid = {PolicySelectionConfig.PID_PREFIX + "allocation", PolicySelectionConfig.PID_PREFIX + "fault",
    PolicySelectionConfig.PID_PREFIX + "promotion", PolicySelectionConfig.PID_PREFIX + "reclaim",
    PolicySelectionConfig.PID_PREFIX + "cow"}, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class PolicySelectionConfig {
    public static final String PID_PREFIX = "org.thplab.mm.policy.";

    private final MmRuntime runtime;

    @Activate
    public PolicySelectionConfig(@Reference MemoryManager mm, Map<String, Object> props,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY) ConfigurationAdmin ca) {
        this.runtime = (MmRuntime) mm;
        // A configuration FileInstall creates from deploy/ while the framework starts can miss
        // this component (SCR does not merge it in); read what exists once, then follow updates.
        if (ca != null) {
            try {
                Configuration[] all = ca.listConfigurations("(service.pid=" + PID_PREFIX + "*)");
                if (all != null) {
                    java.util.Arrays.sort(all, java.util.Comparator.comparing(Configuration::getPid));
                    for (Configuration c : all) {
                        Map<String, Object> m = new java.util.HashMap<>();
                        var d = c.getProperties();
                        if (d != null) {
                            for (var keys = d.keys(); keys.hasMoreElements(); ) {
                                String k = keys.nextElement();
                                m.put(k, d.get(k));
                            }
                            runtime.applySelection(m);
                        }
                    }
                }
            } catch (java.io.IOException | org.osgi.framework.InvalidSyntaxException e) {
                org.slf4j.LoggerFactory.getLogger(PolicySelectionConfig.class).warn("cannot read the policy selection: {}", e.toString());
            }
        }
        runtime.applySelection(props);
    }

    @Modified
    void modified(Map<String, Object> props) {
        runtime.applySelection(props);
    }

    @ObjectClassDefinition(pid = PID_PREFIX + "allocation", name = "thplab allocation policy",
            description = "Which allocation policy serves page allocations")
    @interface Allocation {
        @AttributeDefinition(description = "policy.name of the allocation policy (mm:policy lists the candidates)")
        String allocation() default "buddy";
    }

    @ObjectClassDefinition(pid = PID_PREFIX + "fault", name = "thplab fault policy",
            description = "Which fault policy decides what an anonymous fault on an empty PMD maps")
    @interface Fault {
        @AttributeDefinition(description = "policy.name of the fault policy: thp, base, reservation or a third-party one")
        String fault() default "thp";
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
        @AttributeDefinition(description = "policy.name of the reclaim policy: lru-shrinker, drop-all or a third-party one")
        String reclaim() default "lru-shrinker";
    }

    @ObjectClassDefinition(pid = PID_PREFIX + "cow", name = "thplab CoW policy",
            description = "Which CoW policy handles a write to a shared huge page")
    @interface Cow {
        @AttributeDefinition(description = "policy.name of the CoW policy: pte or huge")
        String cow() default "pte";
    }
}
