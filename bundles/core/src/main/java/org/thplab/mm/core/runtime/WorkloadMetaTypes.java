package org.thplab.mm.core.runtime;

import java.io.InputStream;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeProvider;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.spi.workload.Workload;
import org.thplab.mm.spi.workload.WorkloadName;

/**
 * Every installed workload's parameters as a Metatype object class ({@value #PID_PREFIX}NAME),
 * the same one list its {@code parameters()} gives {@code run}: a {@link MetaTypeProvider}
 * service per workload service (property {@code metatype.pid}), registered while the workload
 * is, so that a Metatype client (a console, a sweep tool) finds each workload's parameters,
 * types, defaults and descriptions as it finds a policy's configuration.
 */
@Component(immediate = true)
public class WorkloadMetaTypes {
    /** The object class of workload NAME is PID_PREFIX + NAME. */
    public static final String PID_PREFIX = "org.thplab.workload.";

    private final BundleContext context;
    private final Map<ServiceReference<Workload>, ServiceRegistration<MetaTypeProvider>> registered = new HashMap<>();
    private boolean active = true;

    @Activate
    public WorkloadMetaTypes(BundleContext context) {
        this.context = context;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addWorkload(Workload w, ServiceReference<Workload> ref) {
        if (!active || !(ref.getProperty(WorkloadName.PROPERTY) instanceof String name)) {
            return;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(MetaTypeProvider.METATYPE_PID, PID_PREFIX + name);
        registered.put(ref, context.registerService(MetaTypeProvider.class, provider(name, w.parameters()), props));
    }

    synchronized void removeWorkload(Workload w, ServiceReference<Workload> ref) {
        ServiceRegistration<MetaTypeProvider> r = registered.remove(ref);
        if (r != null) {
            r.unregister();
        }
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        registered.values().forEach(ServiceRegistration::unregister);
        registered.clear();
    }

    /** @return the provider of workload {@code name}'s object class, which describes {@code params} */
    static MetaTypeProvider provider(String name, List<WorkloadParameter> params) {
        ObjectClassDefinition ocd = objectClass(name, params);
        return new MetaTypeProvider() {
            @Override
            public ObjectClassDefinition getObjectClassDefinition(String id, String locale) {
                return ocd.getID().equals(id) ? ocd : null;
            }

            @Override
            public String[] getLocales() {
                return null;
            }
        };
    }

    static ObjectClassDefinition objectClass(String name, List<WorkloadParameter> params) {
        AttributeDefinition[] attrs = params.stream().map(WorkloadMetaTypes::attribute).toArray(AttributeDefinition[]::new);
        return new ObjectClassDefinition() {
            @Override
            public String getName() {
                return "thplab workload " + name;
            }

            @Override
            public String getID() {
                return PID_PREFIX + name;
            }

            @Override
            public String getDescription() {
                return "The parameters of run " + name + " (SIZE ones in bytes)";
            }

            @Override
            public AttributeDefinition[] getAttributeDefinitions(int filter) {
                return filter == OPTIONAL ? null : attrs.clone(); // every parameter has a default: all are required ones
            }

            @Override
            public InputStream getIcon(int size) {
                return null;
            }
        };
    }

    /** A parameter: SIZE and NUMBER are LONG attributes, WORD a STRING one. */
    static AttributeDefinition attribute(WorkloadParameter p) {
        boolean word = p.type() == WorkloadParameter.Type.WORD;
        return new AttributeDefinition() {
            @Override
            public String getName() {
                return p.name();
            }

            @Override
            public String getID() {
                return p.name();
            }

            @Override
            public String getDescription() {
                return p.description() + (p.type() == WorkloadParameter.Type.SIZE ? " (bytes)" : "");
            }

            @Override
            public int getCardinality() {
                return 0;
            }

            @Override
            public int getType() {
                return word ? STRING : LONG;
            }

            @Override
            public String[] getOptionValues() {
                return null;
            }

            @Override
            public String[] getOptionLabels() {
                return null;
            }

            @Override
            public String validate(String value) {
                if (word) {
                    return value == null || value.isEmpty() ? p.name() + ": a word is needed" : "";
                }
                try {
                    Long.parseLong(value);
                    return "";
                } catch (NumberFormatException e) {
                    return p.name() + ": a whole number is needed, not '" + value + "'";
                }
            }

            @Override
            public String[] getDefaultValue() {
                return new String[] {p.defaultValue()};
            }
        };
    }
}
