package org.thplab.itests;

import java.util.Dictionary;
import java.util.Hashtable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmuSettings;

/**
 * The default machine's MMU is Configuration Admin configuration too (org.thplab.mm.mmu): a
 * configuration sets it, and deleting it gives the default back (MmuConfigurationTest: a bad one
 * changes nothing).
 */
class MmuConfigTest {
    private static final String PID = "org.thplab.mm.mmu";

    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    MachineOps mm;
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    ConfigurationAdmin ca;

    @AfterEach
    void defaults() throws Exception {
        Configuration c = ca.getConfiguration(PID, "?");
        if (c.getProperties() != null) {
            c.delete();
        }
        Itests.await("the default MMU", () -> mm.mmu().equals(MmuSettings.DEFAULT));
    }

    private void write(String preset, boolean virtualized, int hostPageKb, int cpus) throws Exception {
        Dictionary<String, Object> d = new Hashtable<>();
        d.put("preset", preset);
        d.put("virtualized", virtualized);
        d.put("host_page_kb", hostPageKb);
        d.put("cpus", cpus);
        ca.getConfiguration(PID, "?").update(d);
    }

    @Test
    void aConfigurationSetsTheMmuAndDeletingItRestoresTheDefault() throws Exception {
        MmuSettings skylake = new MmuSettings("skylake", true, 2048, 4);
        write("skylake", true, 2048, 4);
        Itests.await("skylake", () -> mm.mmu().equals(skylake));
        ca.getConfiguration(PID, "?").delete();
        Itests.await("the default MMU", () -> mm.mmu().equals(MmuSettings.DEFAULT));
    }
}
