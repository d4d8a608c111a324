package org.thplab.mm.core.runtime;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.thplab.mm.api.FrameRange;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MemoryMap;
import org.thplab.mm.api.OomReport;
import org.thplab.mm.api.PerfStat;
import org.thplab.mm.api.RegionCoverage;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.VmEvent;
import org.thplab.mm.core.mm.Machine;

/**
 * The readings of a named machine (/proc files, counters, reports): each reads the booted
 * {@link Machine} under the named machine's lock and changes nothing. Apart from
 * {@link NamedMachine} so that the operations and the settings stay in a file of their own.
 */
abstract class MachineReports implements MachineOps {
    /** A report, read under the lock (a misuse before the first boot). */
    abstract <T> T read(String cmd, Function<Machine, T> report);

    /** A reading that has a value before the first boot too. */
    abstract <T> T peek(T unbooted, Function<Machine, T> reading);

    @Override
    public List<SmapsEntry> smaps(String proc, String region) {
        return read("smaps", m -> m.smaps(proc, region, false));
    }

    @Override
    public SmapsEntry smapsRollup(String proc) {
        return read("smaps_rollup", m -> m.smaps(proc, null, true).get(0));
    }

    @Override
    public Map<String, Long> vmstat() {
        return read("vmstat", Machine::vmstat);
    }

    @Override
    public long count(VmEvent event) {
        return peek(0L, m -> m.count(event));
    }

    @Override
    public OomReport oomReport(long kill) {
        return peek(null, m -> m.oomReport(kill));
    }

    @Override
    public Map<String, Long> meminfo() {
        return read("meminfo", Machine::meminfo);
    }

    @Override
    public Map<String, long[]> buddyinfo() {
        return read("buddyinfo", Machine::buddyinfo);
    }

    @Override
    public Map<String, Long> zoneinfo() {
        return read("zoneinfo", Machine::zoneinfo);
    }

    @Override
    public long verify(String proc, String region) {
        return read("verify", m -> m.verify(proc, region));
    }

    @Override
    public List<String> check() {
        return read("check", Machine::check);
    }

    @Override
    public Map<String, Long> stat() {
        return read("stat", Machine::stat);
    }

    @Override
    public Map<String, Long> status(String proc) {
        return read("status", m -> m.status(proc));
    }

    @Override
    public long oomScore(String proc) {
        return read("oom_score", m -> m.oomScore(proc));
    }

    @Override
    public List<String> dmesg() {
        return peek(List.of(), m -> m.dmesg());
    }

    @Override
    public long now() {
        return peek(0L, m -> m.now());
    }

    @Override
    public List<String> processes() {
        return peek(List.of(), m -> m.processes());
    }

    @Override
    public PerfStat perfStat(String proc) {
        return read("perf stat", m -> m.perfStat(proc));
    }

    @Override
    public Map<String, Long> report(String proc) {
        return read("report", m -> m.report(proc));
    }

    @Override
    public MemoryMap memoryMap(int maxPixels) {
        return read("memory map", m -> m.maps().map(maxPixels));
    }

    @Override
    public FrameRange frames(long pfn, int count) {
        return read("frames", m -> m.maps().describe(pfn, count));
    }

    @Override
    public List<RegionCoverage> coverage(String proc, int cells) {
        return read("coverage", m -> m.maps().coverage(proc, cells));
    }
}
