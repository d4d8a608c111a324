package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmuSettings;

/** The org.thplab.mm.mmu configuration sets the default machine's MMU; a bad one changes nothing; deleting it restores the default. */
class MmuConfigurationTest {

    private static MmuConfig config(String preset, boolean virtualized, int hostPageKb, int cpus) {
        return new MmuConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MmuConfig.class;
            }

            @Override
            public String preset() {
                return preset;
            }

            @Override
            public boolean virtualized() {
                return virtualized;
            }

            @Override
            public int host__page__kb() {
                return hostPageKb;
            }

            @Override
            public int cpus() {
                return cpus;
            }
        };
    }

    @Test
    void aConfigurationSetsTheMmuABadOneChangesNothingAndDeletingItRestoresTheDefault() {
        MmRuntime rt = new MmRuntime();
        MachineOps ops = rt.defaultMachine().ops();
        ops.boot(64L << 20, 0, 1);
        MmuConfiguration c = new MmuConfiguration(rt, config("neoverse-n1", true, 2048, 2));
        MmuSettings arm = new MmuSettings("neoverse-n1", true, 2048, 2);
        assertEquals(arm, ops.mmu());
        c.apply(config("pentium", false, 4, 1));
        assertEquals(arm, ops.mmu(), "an unknown preset is refused");
        c.apply(config("zen2", false, 8, 1));
        assertEquals(arm, ops.mmu(), "a host page of 8 kB is refused");
        c.apply(config("zen2", false, 4, 65));
        assertEquals(arm, ops.mmu(), "65 CPUs are refused");
        c.reset();
        assertEquals(MmuSettings.DEFAULT, ops.mmu());
    }
}
