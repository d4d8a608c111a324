package org.thplab.workload.threadedfaults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.PerfStat;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.spi.workload.WorkloadRun;
import org.thplab.workload.common.Measures;
import org.thplab.workload.common.Resident;

/**
 * One process, {@code app}, with threads {@code t1..tT} (clone), each on its own CPU and clock.
 * First each thread writes its own part of a shared heap, {@code chunk} bytes per step, round
 * robin, each first write of a page a fault that takes the mmap lock for read; then each makes
 * {@code rounds} runs of loads spread uniformly over the whole heap. Meanwhile khugepaged, or the
 * migration-entry promoter, collapses what the threads faulted, or with {@code promote=madv_collapse}
 * the process's own task calls MADV_COLLAPSE on each 2 MiB range the threads have completed.
 * A fault that comes while another task holds the lock for write (khugepaged through its whole
 * copy, MADV_COLLAPSE, the migration-entry promoter only for the PMD install) waits until
 * up_write(): the report gives each thread's faults, waits and accesses, the collapses with
 * their copy cost and write holds, the TLB shootdowns the threads' CPUs took, and the four measures.
 */
final class ThreadedFaultsRun implements WorkloadRun {
    private static final String PROC = "app";
    private static final long PMD = 2L << 20;
    private final MachineOps m;
    private final String[] threads;
    private final long heap;
    private final long part;
    private final long chunk;
    private final String promote;
    private final long scanSleep;
    private final int rounds;
    private final long accesses;
    private long faulted;
    private int round;
    private long collapsed;
    private long collapseFailures;
    private final Measures measures = new Measures();
    private String ended;

    ThreadedFaultsRun(MachineOps m, int threads, long heap, long chunk, String promote, long scanSleep, int rounds, long accesses) {
        this.m = m;
        this.threads = new String[threads];
        this.heap = heap;
        this.part = heap / threads;
        this.chunk = chunk;
        this.promote = promote;
        this.scanSleep = scanSleep;
        this.rounds = rounds;
        this.accesses = accesses;
        m.spawn(PROC);
        m.mmap(PROC, "heap", heap);
        for (int k = 0; k < threads; k++) {
            m.clone(PROC, "t" + (k + 1));
            this.threads[k] = PROC + "/t" + (k + 1);
        }
    }

    @Override
    public boolean step() {
        if (ended != null) {
            return false;
        }
        if (faulted < part) {
            for (int k = 0; k < threads.length; k++) {
                SyscallResult r = m.touch(threads[k], "heap", k * part + faulted, chunk, true);
                if (!r.ok()) {
                    ended = threads[k] + " failed: " + r;
                    return false;
                }
            }
            faulted += chunk;
            if (promote.equals("madv_collapse") && faulted % PMD == 0) {
                // Every thread completed a 2 MiB range: the process's own task collapses them.
                for (int k = 0; k < threads.length; k++) {
                    SyscallResult r = m.madvise(PROC, "heap", k * part + faulted - PMD, PMD, Advice.COLLAPSE);
                    if (r.ok()) {
                        collapsed++;
                    } else {
                        collapseFailures++;
                    }
                }
            }
            return true;
        }
        if (round < rounds) {
            for (String t : threads) {
                SyscallResult r = m.access(t, "heap", AccessPattern.uniform(), accesses, false);
                if (!r.ok()) {
                    ended = t + " failed: " + r;
                    return false;
                }
            }
            round++;
            return true;
        }
        ended = "every thread faulted its " + (part >> 20) + " MiB and made " + rounds + " rounds of accesses";
        return false;
    }

    @Override
    public void end(String why) {
        if (ended == null) {
            ended = why;
        }
    }

    @Override
    public void stop() {
        if (ended == null) {
            ended = "stopped by the user";
        }
    }

    /** Half for faulting the parts, half for the rounds of accesses. */
    @Override
    public double fraction() {
        if (ended != null) {
            return 1.0;
        }
        return Measures.fraction(faulted / (double) part + (rounds == 0 ? 1.0 : round / (double) rounds), 2.0);
    }

    @Override
    public String progress() {
        return String.format(Locale.ROOT, "%d of %d KiB of each part faulted, %d of %d rounds of accesses%s", faulted >> 10,
                part >> 10, round, rounds, ended == null ? "" : ", ended");
    }

    @Override
    public String report() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "threaded-faults: %d MiB machine, heap %d MiB, %d threads (%d MiB each) on CPUs 1-%d,"
                + " chunks of %d KiB, promote %s, scan_sleep_millisecs %d%n", m.bootParameters().bytes() >> 20, heap >> 20,
                threads.length, part >> 20, threads.length, chunk >> 10, promote, scanSleep));
        b.append(ended == null ? "running" : ended).append('\n');
        if (m.processes().contains(PROC)) {
            b.append(String.format(Locale.ROOT, "%-8s %8s %10s %10s %12s %12s%n", "thread", "faults", "accesses", "read_waits",
                    "wait_us", "max_wait_us"));
            long n = 0;
            long ns = 0;
            for (String t : threads) {
                PerfStat s = m.perfStat(t);
                Map<String, Long> e = s.events();
                n += e.get("thplab.mmap_lock.read_waits");
                ns += e.get("thplab.mmap_lock.read_wait_ns");
                b.append(String.format(Locale.ROOT, "%-8s %8d %10d %10d %12.1f %12.1f%n", t, s.pageFaults(), s.accesses(),
                        e.get("thplab.mmap_lock.read_waits"), e.get("thplab.mmap_lock.read_wait_ns") / 1e3,
                        e.get("thplab.mmap_lock.read_wait_max_ns") / 1e3));
            }
            b.append(String.format(Locale.ROOT, "read waits: %d, %.1f us in all%n", n, ns / 1e3));
            Resident res = Resident.of(m, PROC, "heap");
            b.append(String.format(Locale.ROOT, "THP coverage: %d of %d MiB resident%n", res.anonHugeKb() >> 10, res.rssKb() >> 10));
        }
        Map<String, Long> all = measures.all(m);
        if (promote.equals("madv_collapse")) {
            b.append(String.format(Locale.ROOT, "MADV_COLLAPSE calls: %d collapsed, %d refused%n", collapsed, collapseFailures));
        }
        String holder = promote.equals("migration-entry") ? "migration_entry" : promote;
        Long acq = all.get("mmap_lock_write_acquisitions_by_" + holder);
        if (acq == null) {
            b.append("write holds by ").append(holder).append(": none (is that promoter selected?)\n");
        } else {
            b.append(String.format(Locale.ROOT, "write holds by %s: %d, %.1f us in all, at most %.1f us%n", holder, acq,
                    all.get("mmap_lock_write_ns_by_" + holder) / 1e3, all.get("mmap_lock_write_max_ns_by_" + holder) / 1e3));
        }
        Map<String, Long> stat = m.stat();
        b.append(String.format(Locale.ROOT, "migration entry waits: %d, %.1f us in all%n", stat.get("migration_entry_waits"),
                stat.get("migration_entry_wait_ns") / 1e3));
        b.append(String.format(Locale.ROOT, "TLB: nr_tlb_remote_flush %d, nr_tlb_remote_flush_received %d, tlb_shootdowns %d%n",
                stat.get("nr_tlb_remote_flush"), stat.get("nr_tlb_remote_flush_received"), stat.get("tlb_shootdowns")));
        b.append(Measures.lines(all));
        b.append(String.format(Locale.ROOT, "simulated time %.3f ms", m.now() / 1e6));
        return b.toString();
    }

    /** The report's figures by name: per thread its faults, accesses and read waits; the holds, waits and flushes. */
    @Override
    public Map<String, Object> results() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("machine_mib", m.bootParameters().bytes() >> 20);
        r.put("heap_mib", heap >> 20);
        r.put("threads", threads.length);
        r.put("chunk_kib", chunk >> 10);
        r.put("promote", promote);
        r.put("scan_sleep_ms", scanSleep);
        r.put("ended", ended == null ? "running" : ended);
        if (m.processes().contains(PROC)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String t : threads) {
                PerfStat s = m.perfStat(t);
                Map<String, Long> e = s.events();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("thread", t);
                row.put("faults", s.pageFaults());
                row.put("accesses", s.accesses());
                row.put("read_waits", e.get("thplab.mmap_lock.read_waits"));
                row.put("read_wait_ns", e.get("thplab.mmap_lock.read_wait_ns"));
                row.put("read_wait_max_ns", e.get("thplab.mmap_lock.read_wait_max_ns"));
                rows.add(row);
            }
            r.put("per_thread", rows);
        }
        Map<String, Long> all = measures.all(m);
        String holder = promote.equals("migration-entry") ? "migration_entry" : promote;
        r.put("write_holder", holder);
        r.put("write_holds", all.getOrDefault("mmap_lock_write_acquisitions_by_" + holder, 0L));
        r.put("write_hold_ns", all.getOrDefault("mmap_lock_write_ns_by_" + holder, 0L));
        r.put("write_hold_max_ns", all.getOrDefault("mmap_lock_write_max_ns_by_" + holder, 0L));
        Map<String, Long> stat = m.stat();
        for (String k : new String[] {"migration_entry_waits", "migration_entry_wait_ns", "nr_tlb_remote_flush",
            "nr_tlb_remote_flush_received", "tlb_shootdowns"}) {
            r.put(k, stat.get(k));
        }
        r.put(Measures.KEY, Measures.results(all));
        r.put("simulated_time_ms", m.now() / 1e6);
        return r;
    }
}
