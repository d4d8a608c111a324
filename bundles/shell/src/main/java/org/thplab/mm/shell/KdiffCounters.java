package org.thplab.mm.shell;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's counters as the script's own: /proc/vmstat, khugepaged/pages_collapsed and the
 * per-size hugepages-*kB/stats/* are system-wide, and every other process on the host moves
 * them too (with hugepages-64kB/enabled=always, a shell's cat faults 64 kB folios). So a counter
 * is the sum of its changes across the script's own actions on the kernel (a helper call, a knob
 * write and the khugepaged pass it may wake, a tick), not its change since boot; what moves it
 * between them is someone else's.
 *
 * <p>nr_anon, a count of the folios of one size that exist now, is counted outright instead:
 * the distinct large folios of that size that the script's processes map, found through
 * /proc/PID/pagemap and /proc/kpageflags (Documentation/admin-guide/mm/pagemap.rst), so that a
 * long tick, in which other processes fault too, does not blur it either.
 */
final class KdiffCounters {
    static final String PAGES_COLLAPSED = "khugepaged/pages_collapsed";
    private static final int PAGE = 4096;
    /** pagemap: present, and the PFN in bits 0-54 (shown to CAP_SYS_ADMIN only). */
    private static final long PM_PRESENT = 1L << 63;
    private static final long PM_PFN = (1L << 55) - 1;
    /** kpageflags bits (include/uapi/linux/kernel-page-flags.h). */
    private static final int KPF_COMPOUND_HEAD = 15;
    private static final int KPF_COMPOUND_TAIL = 16;
    private static final int KPF_THP = 22;
    private static final int KPF_ZERO_PAGE = 24;
    private static final Path KPAGEFLAGS = Path.of("/proc/kpageflags");

    private final List<String> statFiles = new ArrayList<>();
    private final Map<String, Long> own = new HashMap<>();
    private Map<String, Long> before;

    /** A fresh boot: nothing counted yet; the per-size statistics this kernel has. */
    void boot() {
        own.clear();
        statFiles.clear();
        try (var files = Files.walk(KdiffKnobs.DIR, 3)) {
            for (Path p : files.filter(p -> p.getParent().getFileName().toString().equals("stats")).sorted().toList()) {
                statFiles.add(KdiffKnobs.DIR.relativize(p).toString());
            }
        } catch (IOException | RuntimeException e) {
            // no per-size statistics on this kernel
        }
    }

    /** The script acts on the kernel now: what the counters read before it. */
    void acting() {
        before = read();
    }

    /** The script's action is over: its changes are the script's. */
    void acted() {
        Map<String, Long> after = read();
        after.forEach((k, v) -> own.merge(k, v - before.getOrDefault(k, v), Long::sum));
        before = null;
    }

    /** @return the vmstat counters the script moved, in /proc/vmstat's order */
    Map<String, Long> vmstat() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        KdiffKernel.vmstat().keySet().forEach(k -> m.put(k, own.getOrDefault(k, 0L)));
        return m;
    }

    /** @return whether {@code knob} is a counter kept here: pages_collapsed or a per-size statistic */
    boolean counts(String knob) {
        return knob.equals(PAGES_COLLAPSED) || statFiles.contains(knob);
    }

    /** @return the script's share of a counter {@link #counts} keeps */
    long counter(String knob) {
        return own.getOrDefault(knob, 0L);
    }

    private Map<String, Long> read() {
        Map<String, Long> m = new HashMap<>(KdiffKernel.vmstat());
        m.put(PAGES_COLLAPSED, KdiffKnobs.number(PAGES_COLLAPSED));
        for (String f : statFiles) {
            m.put(f, KdiffKnobs.number(f));
        }
        return m;
    }

    /** @return the page order of a hugepages-{@code <size>kB}/stats/nr_anon knob, or -1 if it is not one */
    static int nrAnonOrder(String knob) {
        if (!knob.startsWith("hugepages-") || !knob.endsWith("kB/stats/nr_anon")) {
            return -1;
        }
        long kb = Long.parseLong(knob.substring("hugepages-".length(), knob.indexOf("kB/")));
        return Long.bitCount(kb) == 1 && kb >= 8 ? Long.numberOfTrailingZeros(kb / 4) : -1;
    }

    /**
     * nr_anon of one size for the script's processes: the distinct anonymous large folios of
     * 2^{@code order} pages that any of them maps, counted once however many map them (a fork
     * shares them). The huge zero page is no anonymous folio and is not counted.
     *
     * @param spaces by process: its pid and its regions as {start, length}
     */
    static long nrAnon(Map<Integer, Collection<long[]>> spaces, int order) {
        Set<Long> heads = new HashSet<>();
        try (FileChannel flags = FileChannel.open(KPAGEFLAGS, StandardOpenOption.READ)) {
            for (var e : spaces.entrySet()) {
                try (FileChannel pm = FileChannel.open(Path.of("/proc/" + e.getKey() + "/pagemap"), StandardOpenOption.READ)) {
                    for (long[] g : e.getValue()) {
                        ByteBuffer b = read(pm, g[0] / PAGE * 8, (int) (g[1] / PAGE));
                        long lo = 1;
                        long hi = 0; // the PFNs of the last folio found: its other pages need no lookup
                        while (b.hasRemaining()) {
                            long pte = b.getLong();
                            long pfn = pte & PM_PFN;
                            if ((pte & PM_PRESENT) == 0 || pfn == 0 || pfn >= lo && pfn < hi) {
                                continue;
                            }
                            long head = head(flags, pfn);
                            if (head < 0) {
                                continue;
                            }
                            int pages = pages(flags, head);
                            lo = head;
                            hi = head + pages;
                            if (pages == 1 << order) {
                                heads.add(head);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("kdiff: cannot read pagemap or kpageflags (as root): " + e.getMessage());
        }
        return heads.size();
    }

    /** @return the head PFN of the large anonymous folio that holds {@code pfn}, or -1 if it is no such folio */
    private static long head(FileChannel flags, long pfn) throws IOException {
        long f = flag(flags, pfn);
        if ((f >>> KPF_THP & 1) == 0 || (f >>> KPF_ZERO_PAGE & 1) != 0) {
            return -1;
        }
        for (long p = pfn; p >= 0 && pfn - p < 1 << 18; p--) { // 2^18: the largest folio, 1 GiB
            long g = p == pfn ? f : flag(flags, p);
            if ((g >>> KPF_COMPOUND_HEAD & 1) != 0) {
                return p;
            }
            if ((g >>> KPF_COMPOUND_TAIL & 1) == 0) {
                return -1;
            }
        }
        return -1;
    }

    /** @return the pages of the folio headed at {@code head}: it and the tails that follow it */
    private static int pages(FileChannel flags, long head) throws IOException {
        int n = 1;
        while (true) {
            ByteBuffer b = read(flags, (head + n) * 8, 512);
            while (b.hasRemaining()) {
                if ((b.getLong() >>> KPF_COMPOUND_TAIL & 1) == 0) {
                    return n;
                }
                n++;
            }
            if (b.limit() < 512 * 8) {
                return n;
            }
        }
    }

    private static long flag(FileChannel flags, long pfn) throws IOException {
        ByteBuffer b = read(flags, pfn * 8, 1);
        return b.remaining() == 8 ? b.getLong() : 0;
    }

    private static ByteBuffer read(FileChannel c, long at, int entries) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(entries * 8).order(ByteOrder.nativeOrder());
        while (b.hasRemaining()) {
            int r = c.read(b, at + b.position());
            if (r <= 0) {
                break;
            }
        }
        b.flip();
        b.limit(b.limit() & -8);
        return b;
    }
}
