package org.thplab.mm.core.runtime;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.MmuSettings;

/**
 * Applies the {@code org.thplab.mm.mmu} configuration to the default machine while it exists;
 * when it is deleted the machine gets {@link MmuSettings#DEFAULT} back. A configuration the
 * machine refuses (an unknown preset, a host page other than 4 or 2048 kB) is logged and changes
 * nothing, as a bad {@code mmu} command does.
 */
@Component(configurationPid = MmuConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MmuConfig.class)
public class MmuConfiguration {
    public static final String PID = "org.thplab.mm.mmu";
    private static final Logger LOG = LoggerFactory.getLogger(MmuConfiguration.class);
    private final MachineFactory machines;

    @Activate
    public MmuConfiguration(@Reference MachineFactory machines, MmuConfig c) {
        this.machines = machines;
        apply(c);
    }

    @Modified
    void apply(MmuConfig c) {
        try {
            machines.defaultMachine().ops().mmu(new MmuSettings(c.preset(), c.virtualized(), c.host__page__kb(), c.cpus()));
        } catch (MmUsageException e) {
            LOG.error("{}: {}; the MMU stays {}", PID, e.getMessage(), machines.defaultMachine().ops().mmu());
        }
    }

    @Deactivate
    void reset() {
        machines.defaultMachine().ops().mmu(MmuSettings.DEFAULT);
    }
}
