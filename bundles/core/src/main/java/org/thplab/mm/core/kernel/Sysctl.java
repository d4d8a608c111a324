package org.thplab.mm.core.kernel;

import java.util.LinkedHashMap;
import java.util.Map;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.core.frames.Watermarks;

/**
 * The /proc/sys/vm knobs of overcommit accounting and of the watermarks, with the kernel's
 * defaults and the validation of their handlers (mm/util.c, mm/mmap.c, mm/page_alloc.c of Linux
 * 6.18), and one thplab extension that selects the OVERCOMMIT_GUESS heuristic of an older kernel. Like the THP knobs they are the machine's
 * and outlive a boot; the two reserves, until written, take the values the kernel's initcalls
 * compute from the free pages at boot ({@link #bootDefaults}).
 */
public final class Sysctl {
    public static final int OVERCOMMIT_GUESS = 0;
    public static final int OVERCOMMIT_ALWAYS = 1;
    public static final int OVERCOMMIT_NEVER = 2;
    /** The extension's name: not a kernel knob, so not under vm. */
    public static final String GUESS_HEURISTIC = "thplab.overcommit_guess_heuristic";
    /** The values of {@link #GUESS_HEURISTIC}: 6.18's check against RAM + swap, or 4.19's estimate of free memory. */
    public static final String HEURISTIC_618 = "6.18";
    public static final String HEURISTIC_419 = "4.19";

    /** sysctl_overcommit_memory, sysctl_overcommit_ratio, sysctl_overcommit_kbytes (mm/util.c). */
    public int overcommitMemory = OVERCOMMIT_GUESS;
    public long overcommitRatio = 50;
    public long overcommitKbytes;
    /** sysctl_admin_reserve_kbytes, sysctl_user_reserve_kbytes: the static initialisers until the initcalls run. */
    public long adminReserveKbytes = 1L << 13;
    public long userReserveKbytes = 1L << 17;
    /** Whether a reserve was written: a written one is kept across boots, the others are the boot's defaults. */
    private boolean adminReserveSet;
    private boolean userReserveSet;
    /**
     * user_min_free_kbytes: what vm.min_free_kbytes was last set to, or -1; the boot computes a
     * larger value in its place (calculate_min_free_kbytes()), and THP may raise it
     * (set_recommended_min_free_kbytes()).
     */
    public long userMinFreeKbytes = -1;
    /** min_free_kbytes as the machine last set it ({@link Watermarks}), what vm.min_free_kbytes reads. */
    public long minFreeKbytes = Watermarks.BOOT_MIN_FREE_KBYTES;
    public int watermarkScaleFactor = Watermarks.DEFAULT_WATERMARK_SCALE_FACTOR;
    /** The thplab extension: which kernel's OVERCOMMIT_GUESS __vm_enough_memory() follows. */
    public String guessHeuristic = HEURISTIC_618;

    /**
     * init_admin_reserve() and init_user_reserve(): min(3% of free, 8 MiB) and min(3% of free,
     * 128 MiB), free being NR_FREE_PAGES in kB at boot (free_kbytes / 32); a reserve written by
     * the user stays as written.
     */
    public void bootDefaults(long freeKbytes) {
        if (!adminReserveSet) {
            adminReserveKbytes = Math.min(freeKbytes / 32, 1L << 13);
        }
        if (!userReserveSet) {
            userReserveKbytes = Math.min(freeKbytes / 32, 1L << 17);
        }
    }

    /** @return every knob with its value as sysctl(8) prints it, in /proc/sys/vm's order, the extension last */
    public Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vm.admin_reserve_kbytes", Long.toString(adminReserveKbytes));
        m.put("vm.min_free_kbytes", Long.toString(minFreeKbytes));
        m.put("vm.overcommit_kbytes", Long.toString(overcommitKbytes));
        m.put("vm.overcommit_memory", Integer.toString(overcommitMemory));
        m.put("vm.overcommit_ratio", Long.toString(overcommitRatio));
        m.put("vm.user_reserve_kbytes", Long.toString(userReserveKbytes));
        m.put("vm.watermark_scale_factor", Integer.toString(watermarkScaleFactor));
        m.put(GUESS_HEURISTIC, guessHeuristic);
        return m;
    }

    /**
     * Writes one knob as its handler does: overcommit_memory is proc_dointvec_minmax() over 0..2;
     * overcommit_ratio_handler() zeroes overcommit_kbytes and overcommit_kbytes_handler() zeroes
     * overcommit_ratio, whatever was written; the reserves are proc_doulongvec_minmax() without
     * bounds; min_free_kbytes is proc_dointvec_minmax() from 0 and watermark_scale_factor from 1 to
     * 3000 (the machine then sets its watermarks again). A bad name or value throws and changes nothing.
     */
    public void set(String name, String value) {
        switch (name) {
            case "vm.overcommit_memory" -> overcommitMemory = (int) parse(name, value, 0, 2,
                    "0 (OVERCOMMIT_GUESS), 1 (OVERCOMMIT_ALWAYS) or 2 (OVERCOMMIT_NEVER)");
            case "vm.overcommit_ratio" -> {
                // proc_dointvec() takes a negative ratio too, whose commit limit is meaningless;
                // thplab refuses it.
                overcommitRatio = parse(name, value, 0, Integer.MAX_VALUE, "an integer from 0 to " + Integer.MAX_VALUE);
                overcommitKbytes = 0;
            }
            case "vm.overcommit_kbytes" -> {
                overcommitKbytes = parse(name, value, 0, Long.MAX_VALUE, "a number of kB from 0 to " + Long.MAX_VALUE);
                overcommitRatio = 0;
            }
            case "vm.admin_reserve_kbytes" -> {
                adminReserveKbytes = parse(name, value, 0, Long.MAX_VALUE, "a number of kB from 0 to " + Long.MAX_VALUE);
                adminReserveSet = true;
            }
            case "vm.user_reserve_kbytes" -> {
                userReserveKbytes = parse(name, value, 0, Long.MAX_VALUE, "a number of kB from 0 to " + Long.MAX_VALUE);
                userReserveSet = true;
            }
            case "vm.min_free_kbytes" -> {
                minFreeKbytes = parse(name, value, 0, Integer.MAX_VALUE, "a number of kB from 0 to " + Integer.MAX_VALUE);
                userMinFreeKbytes = minFreeKbytes;
            }
            case "vm.watermark_scale_factor" -> watermarkScaleFactor = (int) parse(name, value, 1, 3000,
                    "an integer from 1 to 3000 (ten-thousandths of memory)");
            case GUESS_HEURISTIC -> {
                if (!value.equals(HEURISTIC_618) && !value.equals(HEURISTIC_419)) {
                    throw new MmUsageException("sysctl: " + name + " must be " + HEURISTIC_618 + " (RAM + swap, since"
                            + " Linux 5.2) or " + HEURISTIC_419 + " (free memory, as before), not '" + value + "'");
                }
                guessHeuristic = value;
            }
            default -> throw new MmUsageException("sysctl: no knob '" + name + "' (" + String.join(", ", all().keySet()) + ")");
        }
    }

    private static long parse(String name, String value, long min, long max, String allowed) {
        long v = number(value);
        if (v == BAD) {
            throw new MmUsageException("sysctl: " + name + " must be " + allowed + ", not '" + value + "'");
        }
        if (v < min || v > max) {
            throw new MmUsageException("sysctl: " + name + " must be " + allowed + ", not " + v);
        }
        return v;
    }

    private static final long BAD = Long.MIN_VALUE;

    /**
     * A number as proc_get_long() reads one: an optional '-', then the digits strtoul() takes with
     * base 0 (0x and hex digits, a leading 0 and octal digits, else decimal), and nothing after
     * them; no '+'. Checked on Linux 6.18: 0x20 is 32, 010 is 8, 08, +7 and 5abc are EINVAL.
     *
     * @return the number, or {@link #BAD} when it is none (or does not fit a long)
     */
    static long number(String value) {
        if (value.isEmpty() || value.chars().anyMatch(c -> c > 127)) {
            return BAD; // Character.digit() reads other scripts' digits; the kernel reads ASCII
        }
        int i = 0;
        boolean neg = value.startsWith("-");
        if (neg) {
            i++;
        }
        int radix = 10;
        if (value.startsWith("0", i) && value.length() > i + 1) {
            boolean hex = (value.charAt(i + 1) == 'x' || value.charAt(i + 1) == 'X')
                    && value.length() > i + 2 && Character.digit(value.charAt(i + 2), 16) >= 0;
            radix = hex ? 16 : 8;
            i += hex ? 2 : 1;
        }
        if (i == value.length()) {
            return neg ? BAD : 0; // "0" alone; "-" alone is no number
        }
        long v = 0;
        for (; i < value.length(); i++) {
            int d = Character.digit(value.charAt(i), radix);
            if (d < 0 || v > (Long.MAX_VALUE - d) / radix) {
                return BAD;
            }
            v = v * radix + d;
        }
        return neg ? -v : v;
    }

    /** @return a copy: the values and which reserves were written */
    public Sysctl copy() {
        Sysctl s = new Sysctl();
        s.overcommitMemory = overcommitMemory;
        s.overcommitRatio = overcommitRatio;
        s.overcommitKbytes = overcommitKbytes;
        s.adminReserveKbytes = adminReserveKbytes;
        s.userReserveKbytes = userReserveKbytes;
        s.adminReserveSet = adminReserveSet;
        s.userReserveSet = userReserveSet;
        s.guessHeuristic = guessHeuristic;
        s.userMinFreeKbytes = userMinFreeKbytes;
        s.minFreeKbytes = minFreeKbytes;
        s.watermarkScaleFactor = watermarkScaleFactor;
        return s;
    }
}
