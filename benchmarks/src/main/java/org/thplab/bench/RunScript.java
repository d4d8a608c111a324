package org.thplab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.shell.Commands;

/**
 * Runs scenario scripts in-process, without the OSGi framework, with the Linux-default policy
 * bundles wired by hand ({@link EmbeddedPolicies}, as {@link FaultBench} does): for long
 * experiments where the JVM's heap and the run's wall time should belong to the simulation alone.
 * Each command's wall time goes to stderr, and at the end the heap's peak.
 *
 * <pre>java -Xmx8g -cp 'benchmarks/target/lib/*:benchmarks/target/classes' org.thplab.bench.RunScript FILE...</pre>
 */
public final class RunScript {
    private RunScript() {
    }

    public static void main(String[] args) throws Exception {
        MmRuntime rt = EmbeddedPolicies.newRuntime();
        Commands commands = new Commands(rt, rt);
        for (String file : args) {
            for (String line : Files.readAllLines(Path.of(file))) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                System.out.println("> " + l);
                long t0 = System.nanoTime();
                String out = commands.execute(l);
                if (out != null && !out.isEmpty()) {
                    System.out.println(out);
                }
                System.err.printf("%s: %.3f s wall%n", l, (System.nanoTime() - t0) / 1e9);
            }
        }
        System.err.printf("peak heap %d MiB%n", peakHeap() >> 20);
    }

    /**
     * @return the sum over the heap's memory pools of each one's peak use since the JVM started:
     *         an upper bound on the heap's peak (the pools peak at different moments)
     */
    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
