package org.thplab.mm.core.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.api.WorkloadProgress;
import org.thplab.mm.api.WorkloadResult;
import org.thplab.mm.spi.workload.Workload;
import org.thplab.mm.spi.workload.WorkloadRun;

/**
 * The workload services and their runs: each run boots its machine afresh, then runs to its end
 * in the foreground or, as a background job, one step at a time on a thread of its own. Every
 * step holds the machine's lock, as every operation on it does, so a command typed in between
 * sees a consistent machine and the policies selected at that moment; another machine's
 * operations do not wait for it. A workload reaches its machine through the public
 * {@code MachineOps} only. The workloads and the jobs are guarded by this object's monitor, never
 * held while a machine's lock is taken.
 */
final class Jobs {
    /** The runtime's log, as before the runtime was split into several classes. */
    private static final Logger LOG = LoggerFactory.getLogger(MmRuntime.class);

    /** The workload services, by name. */
    private final Map<String, Workload> workloads = new TreeMap<>();
    /** Background jobs, by number. */
    private final Map<Integer, Job> jobs = new TreeMap<>();
    private int nextJob = 1;

    synchronized void add(String name, Workload w) {
        workloads.put(name, w);
    }

    /** Forgets the workload service if it is still the one of its name; runs of it go on. */
    synchronized void remove(String name, Workload w) {
        workloads.remove(name, w);
    }

    synchronized List<String> names() {
        return List.copyOf(workloads.keySet());
    }

    List<WorkloadParameter> parameters(String name) {
        return List.copyOf(workload(name).parameters());
    }

    private synchronized Workload workload(String name) {
        Workload w = workloads.get(name);
        if (w == null) {
            throw new MmUsageException("run: unknown workload '" + name + "' ("
                    + (workloads.isEmpty() ? "none is installed" : String.join(", ", workloads.keySet())) + ")");
        }
        return w;
    }

    /**
     * Runs a workload to its end on the machine, holding its lock throughout, and tells
     * {@code progress} (unless null) how it goes between two steps, at most every
     * {@link WorkloadProgress#INTERVAL_MS} ms of wall time.
     */
    WorkloadResult run(NamedMachine nm, String workload, Map<String, String> params, WorkloadProgress progress) {
        Workload w = workload(workload);
        Map<String, String> values = values(workload, w, params);
        synchronized (nm.lock) {
            WorkloadRun run = w.start(nm, values);
            boolean stopped = false;
            long steps = 0;
            long interval = WorkloadProgress.INTERVAL_MS * 1_000_000L;
            long last = progress == null ? 0 : System.nanoTime();
            while (run.step()) {
                // one step at a time; each of the run's operations takes the policies of the moment.
                // An interrupted thread (Ctrl-C in the shell) stops the run, as stop <job> would.
                if (!stopped && Thread.currentThread().isInterrupted()) {
                    run.stop();
                    stopped = true;
                }
                steps++;
                nm.watchers.due();
                if (progress != null && System.nanoTime() - last >= interval) {
                    progress.update(run.progress(), steps, run.fraction());
                    last = System.nanoTime();
                }
            }
            String report = run.report();
            return new WorkloadResult(workload, Collections.unmodifiableMap(values), report, run.results());
        }
    }

    /** Starts a workload as a background job on the machine. */
    int runBackground(NamedMachine nm, String workload, Map<String, String> params) {
        Workload w = workload(workload);
        Map<String, String> values = values(workload, w, params);
        String on = nm.name().equals(MachineFactory.DEFAULT) ? "" : " on " + nm.name();
        Job job;
        synchronized (nm.lock) {
            WorkloadRun run = w.start(nm, values);
            synchronized (this) {
                job = new Job(nextJob++, workload + " " + params + on, nm, run);
                jobs.put(job.id, job);
            }
            // Its machine booted again (by a command, or another run) or removed: the run ends
            // there, its report taken from the machine it ran on.
            nm.beforeBoot(() -> job.end("ended: machine '" + nm.name() + "' was booted again or removed"));
        }
        Thread t = new Thread(job::loop, "thplab-job-" + job.id);
        t.setDaemon(true);
        t.start();
        return job.id;
    }

    /** Each job and its progress or report. */
    List<String> list() {
        List<Job> all;
        synchronized (this) {
            all = new ArrayList<>(jobs.values());
        }
        List<String> out = new ArrayList<>();
        for (Job j : all) {
            String state;
            synchronized (j.nm.lock) { // between two of its steps
                state = j.report == null ? "running, " + j.run.progress() : "done\n" + j.report;
            }
            out.add(j.id + " " + j.what + ": " + state);
        }
        return out;
    }

    /** Stops a job between two steps and waits (up to a minute) for its report. */
    String stop(int id) {
        Job j;
        synchronized (this) {
            j = jobs.get(id);
            if (j == null) {
                throw new MmUsageException("stop: no job " + id);
            }
            j.stopping = true;
        }
        for (int i = 0; i < 6000 && j.report == null; i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return j.report == null ? "job " + id + " is stopping" : j.report;
    }

    /**
     * Every parameter's value, the given one or its default, checked as its type says.
     *
     * @throws MmUsageException naming the parameter, before anything is booted
     */
    private static Map<String, String> values(String name, Workload w, Map<String, String> params) {
        List<WorkloadParameter> ps = w.parameters();
        List<String> names = ps.stream().map(WorkloadParameter::name).toList();
        for (String k : params.keySet()) {
            if (!names.contains(k)) {
                throw new MmUsageException("run " + name + ": unknown parameter '" + k + "' (" + String.join(", ", names) + ")");
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (WorkloadParameter p : ps) {
            String v = params.getOrDefault(p.name(), p.defaultValue());
            if (p.type() != WorkloadParameter.Type.WORD) {
                try {
                    Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new MmUsageException("run: bad number '" + v + "' for " + p.name());
                }
            }
            values.put(p.name(), v);
        }
        return values;
    }

    private static final class Job {
        final int id;
        final String what;
        final NamedMachine nm;
        final WorkloadRun run;
        /** Set once, holding the machine's lock. */
        volatile String report;
        volatile boolean stopping;

        Job(int id, String what, NamedMachine nm, WorkloadRun run) {
            this.id = id;
            this.what = what;
            this.nm = nm;
            this.run = run;
        }

        /** Ends the run for a reason from outside; the caller holds the machine's lock. */
        void end(String why) {
            if (report == null) {
                run.end(why);
                report = run.report();
            }
        }

        void loop() {
            while (true) {
                synchronized (nm.lock) {
                    if (report != null) {
                        return; // ended from outside
                    }
                    if (stopping) {
                        run.stop();
                    }
                    boolean more;
                    try {
                        more = run.step();
                    } catch (MmUsageException e) {
                        // A command in between took the workload's processes away (exit, or the
                        // OOM killer during a foreground touch): the run ends there.
                        run.end("ended: " + e.getMessage());
                        more = false;
                    } catch (RuntimeException e) {
                        LOG.error("background job {} failed", id, e);
                        run.end("ended by an error: " + e);
                        more = false;
                    }
                    if (!more) {
                        report = run.report();
                        return;
                    }
                    nm.watchers.due();
                }
                Thread.yield(); // let commands in between two steps
            }
        }
    }
}
