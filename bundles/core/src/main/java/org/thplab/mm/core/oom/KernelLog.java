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

    /** @return the kernel log, oldest line first */
    public List<String> dmesg() {
        return List.copyOf(kmsg);
    }
}
