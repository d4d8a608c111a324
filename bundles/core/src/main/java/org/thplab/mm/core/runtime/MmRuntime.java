package org.thplab.mm.core.runtime;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MemoryManager;
import org.thplab.mm.api.PolicyInfo;
import org.thplab.mm.api.SmapsEntry;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.api.Tunables;

/** Placeholder runtime while the machine is being built. */
@Component(service = MemoryManager.class)
public class MmRuntime implements MemoryManager {
    public String boot(long bytes, long swapBytes, long seed) { return "booted " + bytes; }
    public void spawn(String proc) { throw new UnsupportedOperationException(); }
    public void mmap(String proc, String region, long size) { throw new UnsupportedOperationException(); }
    public void munmap(String proc, String region, long off, long len) { throw new UnsupportedOperationException(); }
    public SyscallResult madvise(String proc, String region, long off, long len, Advice advice) { throw new UnsupportedOperationException(); }
    public SyscallResult touch(String proc, String region, long off, long len, boolean write) { throw new UnsupportedOperationException(); }
    public void fork(String parent, String child) { throw new UnsupportedOperationException(); }
    public void exit(String proc) { throw new UnsupportedOperationException(); }
    public void tick(long nanos) { throw new UnsupportedOperationException(); }
    public List<SmapsEntry> smaps(String proc, String region) { throw new UnsupportedOperationException(); }
    public Map<String, Long> vmstat() { return Map.of("pgfault", 0L); }
    public Map<String, Long> meminfo() { throw new UnsupportedOperationException(); }
    public Map<String, long[]> buddyinfo() { throw new UnsupportedOperationException(); }
    public long verify(String proc, String region) { return 0; }
    public List<String> check() { return List.of(); }
    public Tunables tunables() { throw new UnsupportedOperationException(); }
    public void sysfs(String knob, String value) { throw new UnsupportedOperationException(); }
    public List<PolicyInfo> policies() { return List.of(); }
    public void usePolicy(String kind, String name) { throw new UnsupportedOperationException(); }
    public void trace(boolean on) { }
    public List<String> traceDump() { return List.of(); }
    public long now() { return 0; }
    public List<String> processes() { return List.of(); }
}
