package org.thplab.mm.shell;

import java.util.Hashtable;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.Workloads;

/**
 * Registers {@link Commands} as the service that Gogo and the {@link ScriptRunner} use: scope
 * {@code mm}, an {@code osgi.command.function} for each command in {@link CommandTable}, so a
 * command is registered by writing its method. The registration is by hand because a DS
 * component's service properties are fixed when it is compiled. For the same reason the bundle
 * declares the service's capability itself, as DS would for a service of its own: the resolver
 * matches {@link ScriptRunner}'s reference against it. There is one {@link Commands}, so every
 * Gogo session of the framework shares its current machine.
 */
@Component
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.thplab.mm.shell.Commands\"", uses = Commands.class)
public class GogoCommands {
    private final ServiceRegistration<Commands> registration;

    @Activate
    public GogoCommands(BundleContext context, @Reference MachineFactory machines, @Reference Workloads workloads) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", "mm");
        props.put("osgi.command.function", CommandTable.names());
        registration = context.registerService(Commands.class, new Commands(machines, workloads), props);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // the framework has unregistered it already (the bundle is stopping)
        }
    }
}
