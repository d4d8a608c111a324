package org.thplab.mm.sweep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.Workloads;

/**
 * Runs a sweep in this JVM: checks the spec ({@link SpecCheck}), then runs its cells on N
 * threads, each cell on a machine of its own ({@link CellRunner}), and returns the rows in cell
 * order. Machines share nothing, so the rows do not depend on N.
 */
public final class LocalSweep {
    /** Told on the caller's thread after each cell: how many are done, of how many. */
    @FunctionalInterface
    public interface Progress {
        void cells(int done, int total);
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final MachineFactory machines;
    private final Workloads workloads;
    private final ScriptExecutor scripts;

    public LocalSweep(MachineFactory machines, Workloads workloads, ScriptExecutor scripts) {
        this.machines = machines;
        this.workloads = workloads;
        this.scripts = scripts;
    }

    /** @return the threads a spec runs on: its {@code parallel:}, else the processors available */
    public static int threads(SweepSpec spec) {
        return spec.parallel() > 0 ? spec.parallel() : Runtime.getRuntime().availableProcessors();
    }

    /** Runs the sweep on {@link #threads} threads. */
    public List<Map<String, Object>> run(SweepSpec spec, Progress progress) {
        return run(spec, threads(spec), progress);
    }

    /**
     * @param progress null, or told after each cell
     * @return one row per cell, in cell order
     * @throws SpecException for a spec that cannot run (before any cell, or at the first cell that
     *         shows a measure unknown: the other cells are stopped)
     * @throws CancellationException when the calling thread is interrupted: the cells running
     *         stop at their next step, and no row is returned
     */
    public List<Map<String, Object>> run(SweepSpec spec, int threads, Progress progress) {
        SpecCheck.check(spec, machines, workloads);
        List<Cell> cells = spec.cells();
        int n = Math.max(1, Math.min(threads, cells.size()));
        CellRunner runner = new CellRunner(machines, workloads, scripts);
        int pool = POOLS.incrementAndGet();
        AtomicInteger threadNo = new AtomicInteger();
        ThreadFactory named = r -> {
            Thread t = new Thread(r, "thplab-sweep-" + pool + "-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService exec = Executors.newFixedThreadPool(n, named);
        ExecutorCompletionService<Map<String, Object>> done = new ExecutorCompletionService<>(exec);
        List<Future<Map<String, Object>>> futures = new ArrayList<>();
        for (Cell c : cells) {
            futures.add(done.submit(() -> runner.run(spec, c)));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object>[] rows = new Map[cells.size()];
        try {
            for (int k = 0; k < cells.size(); k++) {
                Map<String, Object> row;
                try {
                    row = done.take().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("sweep: interrupted after " + k + " of " + cells.size() + " cells");
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
                rows[(Integer) row.get(SweepSpec.CELL)] = row;
                if (progress != null) {
                    progress.cells(k + 1, cells.size());
                }
            }
        } finally {
            // Whatever ended the wait: the cells still running stop at their workload's next step
            // (an interrupted run stops as Ctrl-C stops it), and their machines are removed.
            futures.forEach(f -> f.cancel(true));
            exec.shutdownNow();
            awaitQuietly(exec);
        }
        return Arrays.asList(rows);
    }

    /** Waits for the pool's threads to end (their machines removed), keeping an interrupt for the caller. */
    private static void awaitQuietly(ExecutorService exec) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    if (exec.awaitTermination(1, TimeUnit.MINUTES)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
