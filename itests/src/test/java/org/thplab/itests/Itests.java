package org.thplab.itests;

import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PolicyAdmin;
import org.thplab.mm.api.PolicyInfo;

/** Helpers the in-framework tests share. */
final class Itests {
    private Itests() {
    }

    /** Waits for an asynchronous change (a service arriving, a configuration delivered). */
    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.currentTimeMillis() + RuntimeSmokeTest.TIMEOUT;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** What mm:policy shows for one kind. */
    static PolicyInfo policy(PolicyAdmin policies, String kind) {
        return policies.policies().stream().filter(p -> p.kind().equals(kind)).findFirst().orElseThrow();
    }

    /** The installed bundle with this symbolic name. */
    static Bundle bundle(BundleContext context, String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }

    /** The selection PID of a kind: {@code org.thplab.mm.policy.<kind>}. */
    static String selectionPid(String kind) {
        return "org.thplab.mm.policy." + kind;
    }

    /** The kinds, as the runtime lists them. */
    static List<String> kinds(PolicyAdmin policies) {
        return policies.policies().stream().map(PolicyInfo::kind).toList();
    }

    /**
     * Linux's default selection and a slow khugepaged again on the default machine, for the tests that follow. The
     * defaults are those the core publishes as each selection PID's metatype, so this list is
     * not written out again here: one policy per kind, or for a kind with a set (promotion) the
     * defaults enabled and every other registered one disabled.
     */
    static void restoreDefaultPolicies(PolicyAdmin policies, MachineOps mm) {
        BundleContext context = FrameworkUtil.getBundle(Itests.class).getBundleContext();
        ServiceReference<MetaTypeService> ref = context.getServiceReference(MetaTypeService.class);
        if (ref == null) {
            throw new AssertionError("no metatype service");
        }
        MetaTypeInformation core = context.getService(ref).getMetaTypeInformation(bundle(context, "org.thplab.mm.core"));
        try {
            for (PolicyInfo info : policies.policies()) {
                String kind = info.kind();
                AttributeDefinition ad = Arrays.stream(core.getObjectClassDefinition(selectionPid(kind), null)
                                .getAttributeDefinitions(ObjectClassDefinition.ALL))
                        .filter(a -> a.getID().equals(kind)).findFirst()
                        .orElseThrow(() -> new AssertionError(selectionPid(kind) + " has no property " + kind));
                List<String> defaults = List.of(ad.getDefaultValue());
                if (ad.getCardinality() == 0) {
                    policies.usePolicy(kind, defaults.get(0));
                    continue;
                }
                for (String name : defaults) {
                    policies.usePolicy(kind, "+" + name);
                }
                for (String candidate : info.candidates()) {
                    String name = candidate.substring(0, candidate.indexOf(" ("));
                    if (!defaults.contains(name)) {
                        policies.usePolicy(kind, "-" + name);
                    }
                }
            }
        } finally {
            context.ungetService(ref);
        }
        mm.sysfs("khugepaged/scan_sleep_millisecs", "10000");
    }
}
