package org.thplab.itests;

import java.util.function.BooleanSupplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.thplab.mm.api.MemoryManager;
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
    static PolicyInfo policy(MemoryManager mm, String kind) {
        return mm.policies().stream().filter(p -> p.kind().equals(kind)).findFirst().orElseThrow();
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

    /** Linux's default selection and a slow khugepaged again, for the tests that follow. */
    static void restoreDefaultPolicies(MemoryManager mm) {
        mm.usePolicy("allocation", "buddy");
        mm.usePolicy("fault", "thp");
        mm.usePolicy("cow", "pte");
        mm.usePolicy("reclaim", "lru-shrinker");
        mm.usePolicy("promotion", "+khugepaged");
        mm.usePolicy("promotion", "+madv-collapse");
        mm.usePolicy("promotion", "+reservation");
        mm.usePolicy("promotion", "-migration-entry");
        mm.sysfs("khugepaged/scan_sleep_millisecs", "10000");
    }
}
