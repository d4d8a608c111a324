package org.thplab.mm.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thplab.mm.api.FrameState;
import org.thplab.mm.api.MachineFactory;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MemoryMap;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.RegionCoverage;
import org.thplab.mm.api.SimulatedMachine;
import org.thplab.mm.api.Workloads;

/**
 * What the page shows, taken as snapshots of one machine while a page listens: the state as JSON
 * (processes and their regions' coverage, counters, the report's measures, policies, jobs) and
 * the memory map as a compact binary picture. A snapshot is taken by the machine's watcher
 * ({@link SimulatedMachine#watch}), holding its lock: between two steps of a workload that runs
 * on it, or by this view's own thread while nothing runs. It is taken at most every
 * {@code interval_ms}, and less often when it is dear: never more than {@code budget_percent} of
 * the wall time goes to it, so a running workload slows by at most that much.
 */
@Component(service = WebView.class)
@Designate(ocd = WebConfig.class)
public class WebView {
    private static final Logger LOG = LoggerFactory.getLogger(WebView.class);
    /** A request body with anything after its one JSON value is refused, not half read. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** The counters the page charts over simulated time (/proc/vmstat names). */
    static final List<String> COUNTERS = List.of("pgfault", "thp_fault_alloc", "thp_fault_fallback", "thp_collapse_alloc",
            "thp_split_page", "thp_split_pmd", "thp_deferred_split_page", "thp_res_alloc", "nr_anon_transparent_hugepages",
            "compact_stall", "pswpout");
    /** Cells of a region's coverage bar. */
    static final int CELLS = 64;
    /** Magic and version of the binary map (docs/web.md). */
    static final int MAP_MAGIC = 0x4d504854; // "THPM", little-endian

    private final MachineFactory machines;
    private final Workloads workloads;
    private final String machineName;
    private final long intervalMs;
    private final int budgetPercent;
    private final int mapPixels;
    private final String token;

    /** Guards the fields below; never held while a machine's lock is taken. */
    private final Object lock = new Object();
    private Snapshot latest = Snapshot.NONE;
    private int listeners;
    /** The view's one thread (docs/web.md, "How it is fed"); it waits while no page listens. */
    private final Thread poller;
    /** The machine's watcher while a page listens, else null. */
    private SimulatedMachine.Watch watch;
    private SimulatedMachine watched;
    private boolean closed;
    /** A client asked once (GET state or map) with no page listening: the next snapshot ignores the budget. */
    private volatile boolean force;
    private volatile List<String> jobs = List.of();
    private long seq;
    /** Budget: when the last snapshot ended and what it cost, in ns of wall time (the watcher's thread only). */
    private long lastEnd;
    private long lastCost;
    private Map<String, Long> report;
    private List<Map<String, Object>> processes;
    private List<String> reportProcs;
    private long reportAt;
    private long reportNow;

    /** A snapshot: its number, the state as JSON, the map as bytes (docs/web.md). */
    record Snapshot(long seq, byte[] state, byte[] map) {
        static final Snapshot NONE = new Snapshot(0, "{\"seq\":0,\"booted\":false}".getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    @Activate
    public WebView(@Reference MachineFactory machines, @Reference Workloads workloads, WebConfig config) {
        this.machines = machines;
        this.workloads = workloads;
        this.machineName = config.machine();
        this.intervalMs = Math.max(100, config.interval__ms());
        this.budgetPercent = Math.max(1, Math.min(50, config.budget__percent()));
        this.mapPixels = Math.max(1024, config.map__pixels());
        String given = System.getProperty("thplab.web.token", "");
        this.token = given.length() >= 16 ? given : newToken();
        this.poller = new Thread(this::poll, "thplab-web-snapshots");
        poller.setDaemon(true);
        poller.start();
    }

    private static String newToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            closed = true;
            stopWatching();
            lock.notifyAll(); // the poller and every event stream end
        }
        poller.interrupt();
    }

    /** @return false once the view is gone (its configuration changed, or the bundle stopped): event streams end */
    boolean open() {
        synchronized (lock) {
            return !closed;
        }
    }

    String token() {
        return token;
    }

    /** @return true when {@code given} is the token (compared in constant time) */
    boolean tokenMatches(String given) {
        return given != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    String machineName() {
        return machineName;
    }

    /** @return the machine the page shows */
    SimulatedMachine machine() {
        SimulatedMachine m = machines.machine(machineName);
        if (m == null) {
            throw new MmUsageException("web: no machine '" + machineName + "'");
        }
        return m;
    }

    Workloads workloads() {
        return workloads;
    }

    Snapshot latest() {
        synchronized (lock) {
            return latest;
        }
    }

    /**
     * The latest snapshot while a page listens (it is at most interval_ms old then); when none
     * does, none is being taken, so a new one (waiting up to 2 s for it): a client that only asks
     * now and then (curl, a script) never reads a stale machine.
     */
    Snapshot current() throws InterruptedException {
        Snapshot before;
        synchronized (lock) {
            before = latest;
            if (listeners > 0 && before.seq() > 0) {
                return before;
            }
        }
        force = true;
        listen();
        try {
            return await(before.seq(), 2000);
        } finally {
            unlisten();
        }
    }

    /** Waits up to {@code millis} for a snapshot newer than {@code after}; returns the latest. */
    Snapshot await(long after, long millis) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        synchronized (lock) {
            while (latest.seq() <= after) {
                long left = until - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                lock.wait(left);
            }
            return latest;
        }
    }

    /** A page listens from now on: snapshots are taken while at least one does. */
    void listen() {
        synchronized (lock) {
            if (listeners++ == 0) {
                lock.notifyAll(); // the poller wakes
            }
        }
    }

    /** The page went away; with the last one the watcher goes, so a run pays for no snapshot nobody sees. */
    void unlisten() {
        synchronized (lock) {
            if (--listeners == 0) {
                stopWatching();
            }
        }
    }

    /** Called holding {@link #lock}. */
    private void stopWatching() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
        watched = null;
    }

    /**
     * The view's own thread, for the view's life: while a page listens it keeps a watcher on the
     * machine (made again when the machine is not there yet), and every interval_ms takes a
     * snapshot if no running workload took one and reads the job list. One thread, whatever the
     * requests: a poll blocked on the lock of a machine in a foreground run holds only itself.
     */
    private void poll() {
        try {
            while (true) {
                SimulatedMachine.Watch w;
                synchronized (lock) {
                    while (!closed && listeners == 0) {
                        lock.wait();
                    }
                    if (closed) {
                        return;
                    }
                    SimulatedMachine m = machines.machine(machineName);
                    if (m != watched) {
                        stopWatching(); // the machine of that name was removed, or made again
                    }
                    if (watch == null && m != null) {
                        watch = m.watch(intervalMs, this::snapshot);
                        watched = m;
                    }
                    w = watch;
                }
                if (w != null) {
                    try {
                        jobs = workloads.jobs(); // before the snapshot: a client asking once sees them
                        w.poll();
                    } catch (RuntimeException e) {
                        LOG.warn("a snapshot of the machine failed", e);
                    }
                }
                Thread.sleep(intervalMs);
            }
        } catch (InterruptedException e) {
            // deactivated
        }
    }

    /** Takes a snapshot, holding the machine's lock (the watcher), unless the budget says wait. */
    private void snapshot() {
        long start = System.nanoTime();
        if (force) {
            force = false; // asked for once: taken now
        } else if (lastCost > 0 && start - lastEnd < lastCost * (100.0 / budgetPercent - 1)) {
            return; // the last one was dear: keep within budget_percent of the wall time
        }
        SimulatedMachine m = machine();
        MachineOps ops = m.ops();
        Map<String, Object> state = new LinkedHashMap<>();
        byte[] map = new byte[0];
        state.put("machine", machineName);
        List<String> procs = ops.processes();
        boolean booted = ops.bootParameters() != null;
        state.put("booted", booted);
        state.put("now_ns", ops.now());
        state.put("policies", policies(m));
        state.put("jobs", jobs);
        state.put("snapshot_cost_ns", lastCost); // the previous snapshot's, for the budget's reader
        if (booted) {
            MemoryMap mm = ops.memoryMap(mapPixels);
            map = encode(mm);
            state.put("map", mapSummary(mm));
            Map<String, Long> vm = ops.vmstat();
            Map<String, Long> counters = new LinkedHashMap<>();
            for (String c : COUNTERS) {
                counters.put(c, vm.getOrDefault(c, 0L));
            }
            Map<String, Long> mi = ops.meminfo();
            counters.put("MemFree_kB", mi.getOrDefault("MemFree", 0L));
            counters.put("AnonHugePages_kB", mi.getOrDefault("AnonHugePages", 0L));
            state.put("counters", counters);
            // The dear parts, once a second: the report's measures read every THP's content (RAM
            // never written), the coverage bars walk every PTE table (a 240 GiB heap of base
            // pages: 0.5 GB of entries). The map and the counters go with every snapshot.
            if (report == null || start - reportAt >= 1_000_000_000L || ops.now() < reportNow
                    || !procs.equals(reportProcs)) {
                report = ops.report(null);
                processes = processes(ops, procs);
                reportAt = start;
                reportNow = ops.now();
                reportProcs = procs;
            }
            state.put("report", report);
            state.put("processes", processes);
        }
        byte[] json;
        try {
            synchronized (lock) {
                state.put("seq", seq + 1);
            }
            json = JSON.writeValueAsBytes(state);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        synchronized (lock) {
            seq++;
            latest = new Snapshot(seq, json, map);
            lock.notifyAll();
        }
        lastEnd = System.nanoTime();
        lastCost = lastEnd - start;
    }

    private static List<Map<String, Object>> policies(SimulatedMachine m) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PolicyInfo p : m.policyAdmin().policies()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("kind", p.kind());
            o.put("active", names(p.active()));
            o.put("candidates", names(p.candidates()));
            out.add(o);
        }
        return out;
    }

    /** "khugepaged (org.thplab.policy.promote-khugepaged 0.1.0)" is named "khugepaged", as the policy command takes it. */
    private static List<String> names(List<String> shown) {
        return shown.stream().map(n -> n.contains(" (") ? n.substring(0, n.indexOf(" (")) : n).toList();
    }

    private static List<Map<String, Object>> processes(MachineOps ops, List<String> procs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String p : procs) {
            List<RegionCoverage> regions = ops.coverage(p, CELLS);
            long rss = 0;
            long huge = 0;
            int res = 0;
            List<Map<String, Object>> rs = new ArrayList<>();
            for (RegionCoverage r : regions) {
                rss += r.rssKb();
                huge += r.anonHugeKb();
                res += r.reservations();
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", r.region());
                o.put("start", r.start());
                o.put("size", r.size());
                o.put("rssKb", r.rssKb());
                o.put("anonHugeKb", r.anonHugeKb());
                o.put("reservations", r.reservations());
                o.put("huge", toInts(r.huge()));
                o.put("base", toInts(r.base()));
                rs.add(o);
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", p);
            o.put("rssKb", rss);
            o.put("anonHugeKb", huge);
            o.put("reservations", res);
            o.put("regions", rs);
            out.add(o);
        }
        return out;
    }

    private static int[] toInts(byte[] b) {
        int[] a = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            a[i] = b[i];
        }
        return a;
    }

    static Map<String, Object> mapSummary(MemoryMap mm) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("frames", mm.frames());
        o.put("framesPerPixel", mm.framesPerPixel());
        o.put("pixels", mm.pixels().length);
        o.put("thpShare", mm.frames() == 0 ? 0.0 : (double) mm.thpFrames() / mm.frames());
        Map<String, Long> counts = new LinkedHashMap<>();
        for (FrameState s : FrameState.values()) {
            counts.put(s.name(), mm.count(s));
        }
        o.put("counts", counts);
        return o;
    }

    /**
     * The binary map: a 24-byte little-endian header (magic "THPM", frames per pixel, pixels,
     * pageblocks, frames as a long), one {@link FrameState} ordinal per pixel, one migratetype per
     * pageblock.
     */
    static byte[] encode(MemoryMap mm) {
        ByteBuffer b = ByteBuffer.allocate(24 + mm.pixels().length + mm.migratetypes().length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAP_MAGIC).putInt(mm.framesPerPixel()).putInt(mm.pixels().length).putInt(mm.migratetypes().length)
                .putLong(mm.frames());
        b.put(mm.pixels()).put(mm.migratetypes());
        return b.array();
    }
}
