package org.thplab.mm.core.runtime;

import java.util.ArrayList;
import java.util.List;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.Policies;
import org.thplab.mm.spi.fault.FaultPolicy;

/**
 * Run by {@link HostilePolicyTest#aPolicyThatAllocatesWithoutBound} in a JVM with a 64 MiB heap:
 * a fault policy that allocates until the heap is gone, then what the machine and the heap look
 * like afterwards, on stdout.
 */
public final class HostileHeapMain {
    private HostileHeapMain() {
    }

    /** Holds what it allocates in its call only: garbage once the call is over. */
    static final class Hog implements FaultPolicy {
        @Override
        public FaultOutcome fault(org.thplab.mm.spi.fault.AnonFault f) {
            List<long[]> hog = new ArrayList<>();
            while (true) {
                hog.add(new long[1 << 17]); // 1 MiB at a time, without bound
            }
        }
    }

    public static void main(String[] args) {
        MmRuntime rt = HostilePolicyTest.runtime();
        rt.register(Policies.KIND_FAULT, "hog", new Hog());
        SimulatedMachine m = rt.create("m");
        m.ops().boot(64L << 20, 0, 0);
        m.policyAdmin().usePolicy(Policies.KIND_FAULT, "hog");
        m.ops().spawn("p");
        m.ops().mmap("p", "r", 8L << 20);
        System.out.println("touch " + m.ops().touch("p", "r", 0, 8L << 20, true).ok());
        System.out.println(HostilePolicyTest.candidate(m.policyAdmin(), "fault", "hog"));
        System.out.println("check " + m.ops().check());
        System.out.println("verify " + m.ops().verify("p", "r"));
        long[] big = new long[(int) (Runtime.getRuntime().maxMemory() / 2 / Long.BYTES)]; // half the heap again
        big[big.length - 1] = 1;
        System.out.println("heap back");
    }
}
