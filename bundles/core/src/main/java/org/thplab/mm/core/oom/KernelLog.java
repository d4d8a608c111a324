package org.thplab.mm.core.oom;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import org.thplab.mm.core.clock.Clock;

/** The kernel log (printk), dmesg's ring buffer: the newest {@value #KMSG_LINES} lines. */
public final class KernelLog {
    static final int KMSG_LINES = 16_384;
    private final Clock clock;
    private final ArrayDeque<String> kmsg = new ArrayDeque<>();

    public KernelLog(Clock clock) {
        this.clock = clock;
    }

    /** printk(): one line into the kernel log, stamped with the simulated time as dmesg shows it. */
    public void printk(String line) {
        long ns = clock.now();
        if (kmsg.size() == KMSG_LINES) {
            kmsg.removeFirst(); // the ring buffer overwrites its oldest record
        }
        kmsg.addLast(String.format(Locale.ROOT, "[%5d.%06d] %s", ns / 1_000_000_000L, (ns / 1000) % 1_000_000, line));
    }

    /**
     * A call site of printk_ratelimited() (pr_warn_ratelimited()): ___ratelimit() with
     * DEFAULT_RATELIMIT_INTERVAL (5 s) and DEFAULT_RATELIMIT_BURST (10), per machine; the first
     * line of a new interval after lines were dropped says how many, as {@code <func>: <n>
     * callbacks suppressed}.
     */
    public final class Ratelimited {
        private final String func;
        private long begin = -1;
        private int printed;
        private int missed;

        public Ratelimited(String func) {
            this.func = func;
        }

        public void printk(String line) {
            long now = clock.now();
            if (begin < 0 || now - begin >= 5_000_000_000L) {
                if (missed > 0) {
                    KernelLog.this.printk(func + ": " + missed + " callbacks suppressed");
                }
                begin = now;
                printed = 0;
                missed = 0;
            }
            if (printed < 10) {
                printed++;
                KernelLog.this.printk(line);
            } else {
                missed++;
            }
        }
    }

    /** @return the kernel log, oldest line first */
    public List<String> dmesg() {
        return List.copyOf(kmsg);
    }
}
