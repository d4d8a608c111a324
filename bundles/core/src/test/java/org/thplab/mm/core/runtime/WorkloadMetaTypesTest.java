package org.thplab.mm.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.thplab.embedded.BundledWorkloads;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.spi.workload.Workload;

/** Each bundled workload's Metatype object class is its parameter list: names, order, types, defaults. */
class WorkloadMetaTypesTest {
    @Test
    void theObjectClassIsTheParameterList() {
        Map<String, Workload> workloads = new LinkedHashMap<>();
        BundledWorkloads.register(workloads::put);
        assertEquals(6, workloads.size());
        workloads.forEach((name, w) -> {
            List<WorkloadParameter> params = w.parameters();
            ObjectClassDefinition ocd = WorkloadMetaTypes.provider(name, params)
                    .getObjectClassDefinition(WorkloadMetaTypes.PID_PREFIX + name, null);
            assertEquals("org.thplab.workload." + name, ocd.getID());
            AttributeDefinition[] attrs = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
            assertEquals(params.size(), attrs.length, name);
            assertNull(ocd.getAttributeDefinitions(ObjectClassDefinition.OPTIONAL), "every parameter has a default");
            for (int i = 0; i < attrs.length; i++) {
                WorkloadParameter p = params.get(i);
                AttributeDefinition a = attrs[i];
                assertEquals(p.name(), a.getID());
                assertEquals(p.type() == WorkloadParameter.Type.WORD ? AttributeDefinition.STRING : AttributeDefinition.LONG, a.getType());
                assertEquals(List.of(p.defaultValue()), List.of(a.getDefaultValue()));
                assertEquals("", a.validate(p.defaultValue()), name + " " + p.name() + ": its default is valid");
                if (p.type() != WorkloadParameter.Type.WORD) {
                    assertTrue(a.validate("lots").contains("a whole number is needed"), a.validate("lots"));
                }
            }
        });
        assertNull(WorkloadMetaTypes.provider("x", List.of()).getObjectClassDefinition("org.thplab.workload.y", null));
    }
}
