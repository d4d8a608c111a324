package org.thplab.mm.core.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thplab.mm.api.BootParameters;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.core.mm.Machine;
import org.thplab.mm.core.workload.RfcFork;

/**
 * Workloads: each boots its machine afresh, then runs to its end in the foreground or, as a
 * background job, one step at a time on a thread of its own. Every step holds the machine's lock,
 * as every operation on it does, so a command typed in between sees a consistent machine and the
 * policies selected at that moment; another machine's operations do not wait for it. The list of
 * jobs has a monitor of its own (this object), never held while a machine's lock is taken.
 */
final class Jobs {
    /** The runtime's log, as before the runtime was split into several classes. */
    private static final Logger LOG = LoggerFactory.getLogger(MmRuntime.class);

    /** Background jobs, by number. */
    private final Map<Integer, Job> jobs = new TreeMap<>();
    private int nextJob = 1;

    /** Runs a workload to its end on the machine, holding its lock throughout. */
    String run(NamedMachine nm, String workload, Map<String, String> params) {
        synchronized (nm.lock) {
            return prepare(nm, workload, params).runToEnd();
        }
    }

    /** Starts a workload as a background job on the machine. */
    int runBackground(NamedMachine nm, String workload, Map<String, String> params) {
        Workload wl;
        synchronized (nm.lock) {
            wl = prepare(nm, workload, params);
        }
        String on = nm.name().equals(MachineFactory.DEFAULT) ? "" : " on " + nm.name();
        Job job;
        synchronized (this) {
            job = new Job(nextJob++, workload + " " + params + on, wl);
            jobs.put(job.id, job);
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
            synchronized (j.wl.nm.lock) { // between two of its steps
                state = j.report == null ? "running, " + j.wl.w.progress() : "done\n" + j.report;
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

    /** A workload bound to the machine it booted. */
    private static final class Workload {
        final NamedMachine nm;
        final Machine on;
        final RfcFork w;

        Workload(NamedMachine nm, Machine on, RfcFork w) {
            this.nm = nm;
            this.on = on;
            this.w = w;
        }

        String runToEnd() {
            while (w.step()) {
                nm.collectFailures();
                on.setPolicies(nm.current());
            }
            nm.collectFailures();
            return w.report();
        }
    }

    /** Checks the parameters and boots the machine for the workload; the caller holds its lock. */
    private static Workload prepare(NamedMachine nm, String workload, Map<String, String> params) {
        if (!workload.equals("rfc-fork")) {
            throw new MmUsageException("run: unknown workload '" + workload + "' (rfc-fork)");
        }
        for (String k : params.keySet()) {
            if (!List.of("size", "chunk", "swap", "pattern", "seed", "max").contains(k)) {
                throw new MmUsageException("run rfc-fork: unknown parameter '" + k + "' (size, chunk, swap, pattern, seed, max)");
            }
        }
        long size = number(params, "size", 256L << 30);
        long chunk = number(params, "chunk", 16L << 30);
        long swap = number(params, "swap", 0);
        long seed = number(params, "seed", 0);
        int max = (int) number(params, "max", 100_000);
        String pattern = params.getOrDefault("pattern", "one");
        if (!pattern.equals("one") && !pattern.equals("random")) {
            throw new MmUsageException("run rfc-fork: pattern must be one or random, not '" + pattern + "'");
        }
        Machine on = nm.newMachine("run", size, swap, seed);
        var w = new RfcFork(on, chunk, pattern, seed, max);
        nm.install(on, new BootParameters(size, swap, seed));
        on.setPolicies(nm.current());
        return new Workload(nm, on, w);
    }

    private final class Job {
        final int id;
        final String what;
        final Workload wl;
        volatile String report;
        volatile boolean stopping;

        Job(int id, String what, Workload wl) {
            this.id = id;
            this.what = what;
            this.wl = wl;
        }

        void loop() {
            while (true) {
                synchronized (wl.nm.lock) {
                    if (stopping || wl.nm.core() != wl.on) {
                        wl.w.stop(); // stopped, or its machine booted again (or removed)
                    }
                    if (wl.nm.core() == wl.on) {
                        wl.nm.collectFailures();
                    }
                    wl.on.setPolicies(wl.nm.current());
                    boolean more;
                    try {
                        more = wl.w.step();
                    } catch (MmUsageException e) {
                        // A command in between took the workload's processes away (exit, or the
                        // OOM killer during a foreground touch): the run ends there.
                        wl.w.end("ended: " + e.getMessage());
                        more = false;
                    } catch (RuntimeException e) {
                        LOG.error("background job {} failed", id, e);
                        wl.w.end("ended by an error: " + e);
                        more = false;
                    }
                    if (!more) {
                        if (wl.nm.core() == wl.on) {
                            wl.nm.collectFailures();
                        }
                        report = wl.w.report();
                        return;
                    }
                }
                Thread.yield(); // let commands in between two steps
            }
        }
    }

    private static long number(Map<String, String> params, String key, long dflt) {
        String v = params.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new MmUsageException("run: bad number '" + v + "' for " + key);
        }
    }
}
