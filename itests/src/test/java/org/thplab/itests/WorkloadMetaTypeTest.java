package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.test.common.annotation.InjectService;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.api.Workloads;

/** Each installed workload's parameters are a Metatype object class, as Metatype clients see them in the framework. */
class WorkloadMetaTypeTest {
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    Workloads workloads;
    @InjectService(timeout = RuntimeSmokeTest.TIMEOUT)
    MetaTypeService metatype;

    @Test
    void everyWorkloadsParametersAreAnObjectClass() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(WorkloadMetaTypeTest.class).getBundleContext();
        Itests.await("the workloads' object classes", () -> Arrays.asList(
                metatype.getMetaTypeInformation(Itests.bundle(context, "org.thplab.mm.core")).getPids())
                .containsAll(workloads.installed().stream().map(n -> "org.thplab.workload." + n).toList()));
        MetaTypeInformation core = metatype.getMetaTypeInformation(Itests.bundle(context, "org.thplab.mm.core"));
        for (String name : workloads.installed()) {
            ObjectClassDefinition ocd = core.getObjectClassDefinition("org.thplab.workload." + name, null);
            assertNotNull(ocd, name);
            List<String> ids = Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)).map(AttributeDefinition::getID).toList();
            assertEquals(workloads.parameters(name).stream().map(WorkloadParameter::name).toList(), ids, name);
        }
    }
}
