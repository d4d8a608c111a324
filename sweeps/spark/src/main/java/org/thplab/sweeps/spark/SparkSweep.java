package org.thplab.sweeps.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.thplab.mm.core.runtime.MmRuntime;
import org.thplab.mm.sweep.Cell;
import org.thplab.mm.sweep.Results;
import org.thplab.mm.sweep.SpecCheck;
import org.thplab.mm.sweep.SpecException;
import org.thplab.mm.sweep.SweepSpec;

/**
 * {@code spark-submit --class org.thplab.sweeps.spark.SparkSweep thplab-sweeps-spark.jar SPEC OUTDIR}:
 * a sweep whose cells are the tasks of one Spark job. The driver reads and checks the spec (on a
 * runtime of its own, as {@code ./thplab sweep} does) and expands it into cells; the cells are
 * parallelized with one partition each, so each is a task; an executor runs its tasks on its
 * JVM's one runtime ({@link ExecutorRuntime}) through the sweep bundle's {@code CellRunner}, the
 * same code as a local sweep, so a row is the same either way. The driver collects the rows in
 * cell order and writes {@code results.csv} and {@code results.json} into OUTDIR, a folder of its
 * own file system. Charts are not drawn here.
 */
public final class SparkSweep {
    private SparkSweep() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: spark-submit --class org.thplab.sweeps.spark.SparkSweep thplab-sweeps-spark.jar SPEC OUTDIR");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            System.err.println("thplab: sweep: " + args[0] + ": cannot read: " + (Files.exists(file) ? "not a readable file" : "no such file"));
            System.exit(2);
        }
        SweepSpec spec;
        try {
            spec = SweepSpec.read(file, args[0]);
        } catch (SpecException e) {
            System.err.println("thplab: sweep: " + e.getMessage());
            System.exit(1);
            return;
        }
        SparkConf conf = new SparkConf().setAppName("thplab sweep " + file.getFileName());
        int rc;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            System.out.println(runAndWrite(sc, spec, args[0], Path.of(args[1])));
            rc = 0;
        } catch (IllegalArgumentException e) {
            System.err.println("thplab: sweep: " + e.getMessage());
            rc = 1;
        }
        System.exit(rc);
    }

    /** Runs the sweep and writes its results; returns the summary. */
    static String runAndWrite(JavaSparkContext sc, SweepSpec spec, String shown, Path out) {
        long t0 = System.nanoTime();
        List<Map<String, Object>> rows = run(sc, spec);
        try {
            Results.write(out, spec.columns(), rows);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the results into " + out + ": " + e);
        }
        long failed = rows.stream().filter(r -> r.get(SweepSpec.ERROR) != null).count();
        System.err.printf(Locale.ROOT, "sweep %s: %d cells in %.3f s wall on Spark (%s)%n", shown, rows.size(),
                (System.nanoTime() - t0) / 1e9, sc.master());
        String charts = spec.charts().isEmpty() ? "" : "\ncharts: not drawn by SparkSweep (" + spec.charts().size()
                + " in the spec): draw them from results.csv";
        return "sweep " + shown + ": " + rows.size() + " cells of " + (spec.workload() != null ? spec.workload() : "script " + spec.script())
                + ", " + failed + " failed\nresults: " + out.resolve(Results.CSV) + ", " + out.resolve(Results.JSON) + charts;
    }

    /**
     * The rows of every cell, in cell order.
     *
     * @throws SpecException for a spec the runtime refuses (on the driver, before any task) or a
     *         measure no cell can give (a task's, which fails the job)
     */
    public static List<Map<String, Object>> run(JavaSparkContext sc, SweepSpec spec) {
        MmRuntime checks = ExecutorRuntime.runtime();
        SpecCheck.check(spec, checks, checks);
        List<Cell> cells = spec.cells();
        Broadcast<SweepSpec> shared = sc.broadcast(spec);
        List<Map<String, Object>> rows;
        try {
            rows = sc.parallelize(cells, cells.size()).map(c -> ExecutorRuntime.run(shared.value(), c)).collect();
        } catch (Exception e) { // Spark's SparkException is checked, and thrown undeclared
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SpecException s) {
                    throw new SpecException(s.getMessage()); // thrown on an executor, as its task's failure
                }
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("the Spark job failed: " + e.getMessage(), e);
        } finally {
            shared.destroy();
        }
        List<Map<String, Object>> ordered = new ArrayList<>(rows);
        ordered.sort(Comparator.comparingInt(r -> (Integer) r.get(SweepSpec.CELL)));
        return ordered;
    }
}
