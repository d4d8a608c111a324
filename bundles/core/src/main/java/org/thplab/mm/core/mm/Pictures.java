package org.thplab.mm.core.mm;

import java.util.List;
import org.thplab.mm.api.FrameRange;
import org.thplab.mm.api.MemoryMap;
import org.thplab.mm.api.RegionCoverage;
import org.thplab.mm.core.report.MemoryMaps;

/** The web view's pictures of one machine, for the runtime (which sees the syscall layer only). */
public final class Pictures {
    private final MemoryMaps maps;
    private final long now;

    Pictures(MemoryMaps maps, long now) {
        this.maps = maps;
        this.now = now;
    }

    public int frames() {
        return maps.frames();
    }

    public MemoryMap map(int maxPixels) {
        return maps.map(maxPixels, now);
    }

    public FrameRange describe(long pfn, int count) {
        return maps.describe(pfn, count);
    }

    public List<RegionCoverage> coverage(String proc, int cells) {
        return maps.coverage(proc, cells);
    }
}
