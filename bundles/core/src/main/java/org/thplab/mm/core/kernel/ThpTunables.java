package org.thplab.mm.core.kernel;

import static org.thplab.mm.core.frames.Frames.HPAGE_PMD_ORDER;

import java.util.LinkedHashMap;
import java.util.Map;
import org.thplab.mm.api.MmuSettings;
import org.thplab.mm.api.Defrag;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.api.Tunables;

/**
 * /sys/kernel/mm/transparent_hugepage: the knobs, their defaults (the kernel's Kconfig defaults:
 * enabled=always, defrag=madvise) and the validation of their store functions in
 * mm/huge_memory.c and mm/khugepaged.c.
 */
public final class ThpTunables implements Tunables {
    ThpEnabled enabled = ThpEnabled.ALWAYS;
    Defrag defrag = Defrag.MADVISE;
    boolean useZeroPage = true;
    /**
     * The counters sysfs shows beside the knobs: khugepaged/pages_collapsed, khugepaged/full_scans
     * and the reservation RFC's khugepaged/res_pages_collapsed, counted by promotion.
     */
    public long pagesCollapsed;
    public long fullScans;
    public long resPagesCollapsed;
    /**
     * hugepages-<size>kB/enabled for every anonymous order, 16 kB (order 2) to 2048 kB (order 9):
     * always, inherit, madvise or never; 2048 kB inherits the top-level mode, the others are
     * never (the kernel's defaults since 6.8). Only the PMD size acts in thplab so far: there are
     * no mTHP folios yet.
     */
    private final String[] orderEnabled = {null, null, "never", "never", "never", "never", "never", "never", "never", "inherit"};
    /** hugepages-<size>kB/enabled by order as the fault path reads it, resolved when written: null for inherit. */
    private final ThpEnabled[] orderMode = {null, null, ThpEnabled.NEVER, ThpEnabled.NEVER, ThpEnabled.NEVER,
        ThpEnabled.NEVER, ThpEnabled.NEVER, ThpEnabled.NEVER, ThpEnabled.NEVER, null};

    {
        ordersChanged(); // after every field it reads is set: orderMode and enabled come first
    }
    private static final String[] ORDER_MODES = {"always", "inherit", "madvise", "never"};
    /** The files of each hugepages-<size>kB/stats/ directory (mm/huge_memory.c, stats_attrs). */
    public static final java.util.List<String> STATS = java.util.List.of("anon_fault_alloc", "anon_fault_fallback",
            "anon_fault_fallback_charge", "zswpout", "swpin", "swpin_fallback", "swpin_fallback_charge", "swpout",
            "swpout_fallback", "shmem_alloc", "shmem_fallback", "shmem_fallback_charge", "split", "split_failed",
            "split_deferred", "nr_anon", "nr_anon_partially_mapped");
    /** The value of stats file (order, name), installed by the machine's reports. */
    private java.util.function.ToLongBiFunction<Integer, String> stats = (o, n) -> 0;
    /** khugepaged/* knobs, in sysfs order, with their ranges. */
    private final Map<String, long[]> numbers = new LinkedHashMap<>();

    public ThpTunables() {
        // {value, min, max}
        // The reservation RFC's knob: pages faulted before a reservation may be promoted.
        numbers.put("promotion_threshold", new long[] {256, 1, 512});
        numbers.put("khugepaged/defrag", new long[] {1, 0, 1});
        numbers.put("khugepaged/max_ptes_none", new long[] {511, 0, 511});
        numbers.put("khugepaged/max_ptes_swap", new long[] {64, 0, 511});
        numbers.put("khugepaged/max_ptes_shared", new long[] {256, 0, 511});
        numbers.put("khugepaged/pages_to_scan", new long[] {4096, 1, 0xffffffffL});
        numbers.put("khugepaged/scan_sleep_millisecs", new long[] {10000, 0, 0xffffffffL});
        numbers.put("khugepaged/alloc_sleep_millisecs", new long[] {60000, 0, 0xffffffffL});
    }

    @Override
    public ThpEnabled enabled() {
        return enabled;
    }

    @Override
    public ThpEnabled pmdEnabled() {
        ThpEnabled m = orderMode[HPAGE_PMD_ORDER]; // asked on every fault: no string compared here
        return m != null ? m : enabled;
    }

    /** Orders 2 to 9 whose mode is {@code always}, and those whose mode is {@code madvise}, inherit resolved. */
    private int alwaysOrders;
    private int madviseOrders;

    /**
     * thp_vma_allowable_orders() of the anonymous sizes with TVA_ENFORCE_SYSFS, as a mask of
     * orders 2 to 9 (bit {@code o}): {@code always} ones, with the {@code madvise} ones in a
     * VM_HUGEPAGE VMA. Kept up to date when a mode is written: the fault path asks it every fault.
     */
    public int allowableOrders(boolean vmHugepage) {
        return vmHugepage ? alwaysOrders | madviseOrders : alwaysOrders;
    }

    private void ordersChanged() {
        int always = 0;
        int madvise = 0;
        for (int o = 2; o <= HPAGE_PMD_ORDER; o++) {
            ThpEnabled m = orderMode[o] != null ? orderMode[o] : enabled;
            always |= m == ThpEnabled.ALWAYS ? 1 << o : 0;
            madvise |= m == ThpEnabled.MADVISE ? 1 << o : 0;
        }
        alwaysOrders = always;
        madviseOrders = madvise;
    }

    @Override
    public ThpEnabled orderEnabled(int order) {
        if (order < 2 || order > HPAGE_PMD_ORDER) {
            throw new IllegalArgumentException("no anonymous THP size of order " + order);
        }
        ThpEnabled m = orderMode[order];
        return m != null ? m : enabled;
    }

    /** Installs where the per-size statistics come from (the machine's counters). */
    public void stats(java.util.function.ToLongBiFunction<Integer, String> source) {
        this.stats = source;
    }

    @Override
    public String read(String file) {
        for (int o = 2; o <= HPAGE_PMD_ORDER; o++) {
            String dir = "hugepages-" + (4 << o) + "kB/stats/";
            if (file.startsWith(dir) && STATS.contains(file.substring(dir.length()))) {
                return Long.toString(stats.applyAsLong(o, file.substring(dir.length())));
            }
        }
        return all().get(file);
    }

    private static String orderKnob(int order) {
        return "hugepages-" + (4 << order) + "kB/enabled";
    }

    @Override
    public Defrag defrag() {
        return defrag;
    }

    @Override
    public boolean useZeroPage() {
        return useZeroPage;
    }

    @Override
    public long number(String knob) {
        if (knob.equals("use_zero_page")) {
            return useZeroPage ? 1 : 0;
        }
        if (knob.equals("hpage_pmd_size")) {
            return 2L << 20;
        }
        if (knob.equals("khugepaged/pages_collapsed")) {
            return pagesCollapsed;
        }
        if (knob.equals("khugepaged/full_scans")) {
            return fullScans;
        }
        if (knob.equals("khugepaged/res_pages_collapsed")) {
            return resPagesCollapsed;
        }
        long[] v = numbers.get(knob);
        if (v == null) {
            throw new MmUsageException("sysfs: no numeric knob '" + knob + "'");
        }
        return v[0];
    }

    @Override
    public Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        StringBuilder e = new StringBuilder();
        for (ThpEnabled x : ThpEnabled.values()) {
            e.append(e.length() > 0 ? " " : "").append(x == enabled ? "[" + x.sysfs() + "]" : x.sysfs());
        }
        m.put("enabled", e.toString());
        StringBuilder d = new StringBuilder();
        for (Defrag x : Defrag.values()) {
            d.append(d.length() > 0 ? " " : "").append(x == defrag ? "[" + x.sysfs() + "]" : x.sysfs());
        }
        m.put("defrag", d.toString());
        m.put("use_zero_page", useZeroPage ? "1" : "0");
        m.put("hpage_pmd_size", Long.toString(2L << 20));
        numbers.forEach((k, v) -> m.put(k, Long.toString(v[0])));
        m.put("khugepaged/pages_collapsed", Long.toString(pagesCollapsed));
        m.put("khugepaged/full_scans", Long.toString(fullScans));
        m.put("khugepaged/res_pages_collapsed", Long.toString(resPagesCollapsed));
        for (int o = 2; o <= HPAGE_PMD_ORDER; o++) {
            StringBuilder b = new StringBuilder();
            for (String x : ORDER_MODES) {
                b.append(b.length() > 0 ? " " : "").append(x.equals(orderEnabled[o]) ? "[" + x + "]" : x);
            }
            m.put(orderKnob(o), b.toString());
        }
        return m;
    }

    /**
     * The machine's MMU (preset, nested paging, CPUs): hardware rather than a sysfs knob, kept
     * here because, like the knobs, it is the machine's and outlives a boot.
     */
    public volatile MmuSettings mmu = MmuSettings.DEFAULT;

    /** The overcommit knobs of /proc/sys/vm: not THP knobs, kept here because they too outlive a boot. */
    public Sysctl sysctl = new Sysctl();

    /** @return new tunables with this one's writable knobs (the read-only counters start at 0) */
    public ThpTunables copyWritable() {
        ThpTunables t = new ThpTunables();
        all().forEach((k, v) -> {
            if (!readOnly(k)) {
                int open = v.indexOf('['); // a choice shows as "always [madvise] never": write its word
                t.set(k, open < 0 ? v : v.substring(open + 1, v.indexOf(']')));
            }
        });
        t.mmu = mmu;
        t.sysctl = sysctl.copy();
        return t;
    }

    /** @return true for knobs sysfs only shows (sizes and counters) */
    public static boolean readOnly(String knob) {
        return knob.equals("hpage_pmd_size") || knob.equals("khugepaged/pages_collapsed")
                || knob.equals("khugepaged/full_scans") || knob.equals("khugepaged/res_pages_collapsed");
    }

    /** @return whether a write of the knob ends in start_stop_khugepaged(): {@code enabled} and every {@code hugepages-<size>kB/enabled} */
    public static boolean startsStopsKhugepaged(String knob) {
        return knob.equals("enabled") || knob.startsWith("hugepages-") && knob.endsWith("kB/enabled");
    }

    /** Writes a knob, validating like the kernel's store function; throws and changes nothing on bad input. */
    public void set(String knob, String value) {
        switch (knob) {
            case "enabled" -> {
                for (ThpEnabled x : ThpEnabled.values()) {
                    if (x.sysfs().equals(value)) {
                        enabled = x;
                        ordersChanged();
                        return;
                    }
                }
                throw new MmUsageException("sysfs: invalid value '" + value + "' for enabled (always, madvise, never)");
            }
            case "defrag" -> {
                for (Defrag x : Defrag.values()) {
                    if (x.sysfs().equals(value)) {
                        defrag = x;
                        return;
                    }
                }
                throw new MmUsageException("sysfs: invalid value '" + value
                        + "' for defrag (always, defer, defer+madvise, madvise, never)");
            }
            case "use_zero_page" -> useZeroPage = parse(knob, value, 0, 1) == 1;
            case "hpage_pmd_size", "khugepaged/pages_collapsed", "khugepaged/full_scans", "khugepaged/res_pages_collapsed" ->
                throw new MmUsageException("sysfs: " + knob + " is read-only");
            default -> {
                for (int o = 2; o <= HPAGE_PMD_ORDER; o++) {
                    if (knob.equals(orderKnob(o))) {
                        // thpsize_enabled_store()
                        if (!java.util.Arrays.asList(ORDER_MODES).contains(value)) {
                            throw new MmUsageException("sysfs: invalid value '" + value + "' for " + knob
                                    + " (always, inherit, madvise, never)");
                        }
                        orderEnabled[o] = value;
                        orderMode[o] = switch (value) {
                            case "always" -> ThpEnabled.ALWAYS;
                            case "madvise" -> ThpEnabled.MADVISE;
                            case "never" -> ThpEnabled.NEVER;
                            default -> null;
                        };
                        ordersChanged();
                        return;
                    }
                }
                long[] v = numbers.get(knob);
                if (v == null) {
                    throw new MmUsageException("sysfs: no knob '" + knob + "'");
                }
                v[0] = parse(knob, value, v[1], v[2]);
            }
        }
    }

    private static long parse(String knob, String value, long min, long max) {
        long x;
        try {
            x = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new MmUsageException("sysfs: invalid value '" + value + "' for " + knob + " (a number from " + min + " to " + max + ")");
        }
        if (x < min || x > max) {
            throw new MmUsageException("sysfs: value " + x + " out of range for " + knob + " (" + min + " to " + max + ")");
        }
        return x;
    }
}
