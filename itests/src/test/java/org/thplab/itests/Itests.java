package org.thplab.itests;

import java.util.function.BooleanSupplier;
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
}
