package org.thplab.mm.core.report;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_NR;
import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;
import static org.thplab.mm.core.frames.Frames.PAGEBLOCK_ORDER;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.thplab.mm.api.FrameRange;
import org.thplab.mm.api.FrameState;
import org.thplab.mm.api.MemoryMap;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.RegionCoverage;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.frames.Buddy;
import org.thplab.mm.core.frames.Frames;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.Region;
import org.thplab.mm.core.vma.Tasks;

/**
 * The pictures of the web view: the physical memory map (every frame's {@link FrameState},
 * summarised into pixels), what a range of frames holds, and how a process's regions are backed.
 * They read the frame arrays as /proc/kpageflags readers (page-types) read struct page: by frame
 * number, heads first; a folio or free block is classified once at its head and its length
 * skipped, and runs of order-0 anonymous frames are counted eight at a time.
 */
public final class MemoryMaps {
    private static final FrameState[] STATES = FrameState.values();
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Eight frame types of {@link Frames#ANON}, as one little-endian long. */
    private static final long ANON8 = 0x0202020202020202L;
    private static final String[] MIGRATETYPES = {"Unmovable", "Movable"};

    private final Frames f;
    private final Buddy buddy;
    private final Folios folios;
    private final Reservations reservations;
    private final Tasks tasks;
    private final Function<String, AddressSpace> procs;

    /** @param procs finds a live process by name, or throws the usage error an operation would */
    public MemoryMaps(Frames f, Buddy buddy, Folios folios, Reservations reservations, Tasks tasks,
            Function<String, AddressSpace> procs) {
        this.f = f;
        this.buddy = buddy;
        this.folios = folios;
        this.reservations = reservations;
        this.tasks = tasks;
        this.procs = procs;
    }

    /** @return frames of the machine */
    public int frames() {
        return f.nr;
    }

    /** Accumulates runs of frames into pixels: the state most frames of a pixel are in. */
    private static final class Pixels {
        final int shift;
        final byte[] out;
        final long[] counts = new long[STATES.length];
        private final int[] cnt = new int[STATES.length];
        private int cur;

        Pixels(int frames, int shift) {
            this.shift = shift;
            out = new byte[(int) (((long) frames + (1L << shift) - 1) >>> shift)];
        }

        void add(int start, int len, FrameState s) {
            int st = s.ordinal();
            counts[st] += len;
            while (len > 0) {
                int px = start >>> shift;
                if (px != cur) {
                    flush();
                    cur = px;
                }
                int n = (int) Math.min(len, ((long) (px + 1) << shift) - start);
                cnt[st] += n;
                start += n;
                len -= n;
            }
        }

        void flush() {
            int best = 0;
            for (int s = 1; s < cnt.length; s++) {
                if (cnt[s] > cnt[best]) {
                    best = s;
                }
            }
            if (cnt[best] > 0) {
                out[cur] = (byte) best;
            }
            java.util.Arrays.fill(cnt, 0);
        }
    }

    /** The memory map, in at most {@code maxPixels} pixels. */
    public MemoryMap map(int maxPixels, long now) {
        if (maxPixels < 1) {
            throw new MmUsageException("memory map: pixels must be at least 1, not " + maxPixels);
        }
        int shift = 0;
        while ((((long) f.nr + (1L << shift) - 1) >>> shift) > maxPixels) {
            shift++;
        }
        Pixels px = new Pixels(f.nr, shift);
        walk(px);
        px.flush();
        byte[] mt = new byte[f.nrBlocks];
        for (int b = 0; b < mt.length; b++) {
            mt[b] = (byte) buddy.migratetype(b << PAGEBLOCK_ORDER);
        }
        return new MemoryMap(now, f.nr, 1 << shift, px.out, mt, px.counts);
    }

    /** Classifies every frame, in runs, pageblock by pageblock (a reservation is a pageblock). */
    private void walk(Pixels px) {
        byte[] type = f.type;
        byte[] order = f.order;
        int p = 0;
        while (p < f.nr) {
            int block = p >>> PAGEBLOCK_ORDER;
            int blockEnd = (block + 1) << PAGEBLOCK_ORDER;
            boolean reserved = reservations.ofBlock(block) != null;
            while (p < blockEnd) {
                byte t = type[p];
                if (t == Frames.ANON && order[p] == 0 && !reserved) {
                    int end = Math.min(blockEnd, (p + (1 << px.shift)) & -(1 << px.shift));
                    int j = p + 1;
                    while (j < end && (j & 7) != 0 && type[j] == Frames.ANON && order[j] == 0) {
                        j++;
                    }
                    if ((j & 7) == 0) {
                        while (j + 8 <= end && (long) LONGS.get(type, j) == ANON8 && (long) LONGS.get(order, j) == 0) {
                            j += 8;
                        }
                        while (j < end && type[j] == Frames.ANON && order[j] == 0) {
                            j++;
                        }
                    }
                    px.add(p, j - p, FrameState.ANON);
                    p = j;
                    continue;
                }
                int len = length(p, t);
                px.add(p, len, state(p, t, reserved));
                p += len;
            }
        }
    }

    /** @return frames from {@code p} that share its state: a free block or a folio from its head, else 1 */
    private int length(int p, byte t) {
        if (t == Frames.FREE_HEAD || (t == Frames.ANON && f.order[p] > 0)) {
            return 1 << f.order[p];
        }
        return t == Frames.HZERO ? HPAGE_PMD_NR : 1;
    }

    /** The state of frame {@code p} of type {@code t} (its folio's or free block's, seen from any frame of it). */
    private FrameState state(int p, byte t, boolean reserved) {
        switch (t) {
            case Frames.FREE_HEAD:
                return FrameState.free(f.order[p]);
            case Frames.FREE:
                return FrameState.free(freeOrder(p));
            case Frames.ANON:
            case Frames.ANON_TAIL: {
                int o = f.order[p];
                if (o == HPAGE_PMD_ORDER) {
                    int h = p & -HPAGE_PMD_NR;
                    if (folios.partiallyMapped(h)) {
                        return FrameState.THP_PARTIAL;
                    }
                    return f.entireMapcount[h >>> HPAGE_PMD_ORDER] > 0 ? FrameState.THP_PMD : FrameState.THP_PTE;
                }
                if (o > 0) {
                    return FrameState.MTHP;
                }
                return reserved ? FrameState.RESERVED_USED : FrameState.ANON;
            }
            case Frames.PGTABLE:
                return FrameState.PAGE_TABLE;
            case Frames.ZERO:
                return FrameState.ZERO;
            case Frames.HZERO:
            case Frames.HZERO_TAIL:
                return FrameState.HUGE_ZERO;
            case Frames.ISOLATED:
                if (reserved) {
                    return FrameState.RESERVED_FREE;
                }
                return p < HPAGE_PMD_NR ? FrameState.KERNEL : FrameState.ISOLATED;
            case Frames.HWPOISON:
                return FrameState.POISONED;
            default:
                throw new IllegalStateException("frame " + p + " has type " + t);
        }
    }

    /** @return the order of the free block that holds the inside frame {@code p} (its head is aligned to it) */
    private int freeOrder(int p) {
        for (int o = 1; o <= Frames.MAX_ORDER; o++) {
            int h = p & -(1 << o);
            if (f.type[h] == Frames.FREE_HEAD && f.order[h] >= o) {
                return f.order[h];
            }
        }
        return 0;
    }

    /** What {@code [pfn, pfn + count)} holds. */
    public FrameRange describe(long pfn, int count) {
        if (pfn < 0 || count < 1 || count > (1 << 20) || pfn > f.nr - count) { // no pfn + count: it can overflow
            throw new MmUsageException("frames: the range " + pfn + "+" + count + " is not inside the machine's "
                    + f.nr + " frames (at most 1048576 at once)");
        }
        Map<String, Long> states = new TreeMap<>();
        Map<String, Long> owners = new TreeMap<>();
        Map<String, Long> mts = new TreeMap<>();
        int from = (int) pfn;
        int to = from + count;
        for (int p = from; p < to; p++) {
            byte t = f.type[p];
            FrameState s = state(p, t, reservations.ofBlock(p >>> PAGEBLOCK_ORDER) != null);
            states.merge(s.label(), 1L, Long::sum);
            if (Frames.isAnon(t)) {
                owners.merge(owner(f.owner(p)), 1L, Long::sum);
            }
        }
        for (int b = from >>> PAGEBLOCK_ORDER; b <= (to - 1) >>> PAGEBLOCK_ORDER; b++) {
            int mt = buddy.migratetype(b << PAGEBLOCK_ORDER);
            mts.merge(mt < MIGRATETYPES.length ? MIGRATETYPES[mt] : "type " + mt, 1L, Long::sum);
        }
        return new FrameRange(pfn, count, states, owners, mts);
    }

    private String owner(int family) {
        List<String> names = new ArrayList<>();
        try {
            for (AddressSpace mm : tasks.family(family)) {
                names.add(mm.name);
            }
        } catch (RuntimeException e) {
            return "family " + family; // a family whose processes are gone (pages on their way out)
        }
        return names.isEmpty() ? "family " + family : String.join(", ", names);
    }

    /** How each region of process {@code proc} is backed, in at most {@code cells} cells per region. */
    public List<RegionCoverage> coverage(String proc, int cells) {
        AddressSpace mm = procs.apply(proc);
        if (cells < 1) {
            throw new MmUsageException("coverage: cells must be at least 1, not " + cells);
        }
        List<RegionCoverage> out = new ArrayList<>();
        for (Region r : mm.regions.values()) {
            out.add(coverage(mm, r, cells));
        }
        return out;
    }

    private RegionCoverage coverage(AddressSpace mm, Region r, int cells) {
        long first = r.start & ~(PageTable.PMD_SIZE - 1);
        int extents = (int) ((r.end() - first + PageTable.PMD_SIZE - 1) >>> PageTable.PMD_SHIFT);
        int n = Math.min(cells, extents);
        long[] huge = new long[n];
        long[] base = new long[n];
        long[] pages = new long[n];
        int reserved = 0;
        for (int e = 0; e < extents; e++) {
            long va = first + ((long) e << PageTable.PMD_SHIFT);
            long lo = Math.max(va, r.start);
            long hi = Math.min(va + PageTable.PMD_SIZE, r.end());
            int c = (int) ((long) e * n / extents);
            pages[c] += (hi - lo) >>> Frames.PAGE_SHIFT;
            if (reservations.at(mm, va) != null) {
                reserved++;
            }
            PmdTable t = mm.pt.lookup(va);
            if (t == null) {
                continue;
            }
            int i = PageTable.pmdIndex(va);
            PteTable pte = t.pte[i];
            if (pte == null) {
                if (Pte.kind(t.pmd[i]) == Pte.HUGE) {
                    huge[c] += (hi - lo) >>> Frames.PAGE_SHIFT;
                }
                continue;
            }
            int j = PageTable.pteIndex(lo);
            base[c] += pte.count(j, j + (int) ((hi - lo) >>> Frames.PAGE_SHIFT), Pte.PRESENT);
        }
        byte[] hugePct = new byte[n];
        byte[] basePct = new byte[n];
        long hugeAll = 0;
        long baseAll = 0;
        for (int c = 0; c < n; c++) {
            hugeAll += huge[c];
            baseAll += base[c];
            hugePct[c] = (byte) (pages[c] == 0 ? 0 : huge[c] * 100 / pages[c]);
            basePct[c] = (byte) (pages[c] == 0 ? 0 : base[c] * 100 / pages[c]);
        }
        return new RegionCoverage(r.name, r.start, r.size, (hugeAll + baseAll) * 4, hugeAll * 4, reserved, hugePct, basePct);
    }
}
